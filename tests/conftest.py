import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from workspaces.models import Role

from . import factories as f

ROLES = [r.value for r in Role]


def services_required() -> bool:
    """In CI (PMHUB_REQUIRE_SERVICES=1) a missing PostgreSQL or Redis fails the run instead of skipping."""
    return os.environ.get("PMHUB_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str):
    if services_required():
        pytest.fail(f"{reason} (PMHUB_REQUIRE_SERVICES=1 requires it)")
    pytest.skip(reason)


@pytest.fixture
def postgres():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://…")


@dataclass
class World:
    """Two workspaces: ours, with one user per role and a product, and another one with its own product."""

    workspace: object
    product: object
    users: dict
    other_workspace: object
    other_product: object
    outsider: object

    def client(self, role: str | None) -> Client:
        client = Client()
        if role == "outsider":
            client.force_login(self.outsider)
        elif role is not None:
            client.force_login(self.users[role])
        return client


@pytest.fixture
def world(db) -> World:
    workspace = f.WorkspaceFactory(name="Acme")
    users = {}
    for role in ROLES:
        users[role] = f.UserFactory(username=f"{role}_user")
        f.MembershipFactory(workspace=workspace, user=users[role], role=role)
    product = f.ProductFactory(workspace=workspace, name="Payments", key="PAY")
    other_workspace = f.WorkspaceFactory(name="Globex")
    outsider = f.UserFactory(username="outsider")
    f.MembershipFactory(workspace=other_workspace, user=outsider, role=Role.ADMIN)
    other_product = f.ProductFactory(workspace=other_workspace, name="Rival", key="RIV")
    return World(workspace, product, users, other_workspace, other_product, outsider)


@pytest.fixture
def admin_client(world) -> Client:
    return world.client(Role.ADMIN)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing with the production hasher costs ~0.3 s a user; tests do not need its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_runs_tasks_inline(request):
    """Tasks run inline in ordinary tests; tests that ask for `celery_worker` get a real worker instead."""
    from pmhub.celery import app

    if "celery_worker" in request.fixturenames:
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker(postgres, transactional_db):
    """A real Celery worker (in a thread of this process) consuming from the configured Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from pmhub.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_or_fail("needs a Redis broker: set CELERY_BROKER_URL=redis://…")
    app.conf.task_always_eager = False
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15) as worker:
        yield worker


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.1):
    """Poll until `predicate()` is truthy (for results written by a real worker); return its value."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)

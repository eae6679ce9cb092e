import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from products.models import Role

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

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.api.conftest import api  # noqa: F401  (token clients by role, for the API tests here)
from workspaces.models import Role

LINK = re.compile(r"https?://[^\s/]+(/\S+)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Invitation email budgets are counted in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def links_in(message) -> list[str]:
    """The paths of the links in an email's body (the host is the test server's)."""
    return LINK.findall(message.body)


@pytest.fixture
def invite(world, django_capture_on_commit_callbacks):
    """invite("a@example.com", role) → the path of the link the admin's invitation emailed."""

    def send(email: str, role: str = Role.PRODUCT_OWNER, client=None) -> str:
        before = len(mail.outbox)
        url = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})
        with django_capture_on_commit_callbacks(execute=True):
            response = (client or world.client("admin")).post(url, {"email": email, "role": role})
        assert response.status_code == 302, response.content
        assert len(mail.outbox) == before + 1
        (link,) = [p for p in links_in(mail.outbox[-1]) if "/invitations/" in p]
        return link

    return send

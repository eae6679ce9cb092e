"""Personal API tokens: created once-shown and hashed, by page and command; Bearer auth; revocation; limits."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from integrations.models import ApiToken
from integrations.services import api_token_create, token_digest


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_token_is_stored_as_a_digest_and_authenticates(world):
    token, raw = api_token_create(user=world.users["viewer"], name="CI")

    assert raw.startswith("pmh_") and raw not in (token.digest, token.prefix)
    assert token.digest == token_digest(raw)
    assert not ApiToken.objects.filter(digest=raw).exists()
    response = _bearer(raw).get("/api/v1/workspaces/")
    assert response.status_code == 200
    assert [w["id"] for w in response.json()["results"]] == [world.workspace.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer", "Bearer a b", "Token abc"])
def test_bad_credentials_are_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/workspaces/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_revoked_and_expired_tokens_are_refused(world):
    token, raw = api_token_create(user=world.users["admin"], name="old")
    expiring, raw2 = api_token_create(
        user=world.users["admin"], name="short", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert _bearer(raw2).get("/api/v1/products/").status_code == 200

    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _bearer(raw2).get("/api/v1/products/").status_code == 401

    client = world.client("admin")
    assert client.post(reverse("integrations:token_revoke", kwargs={"pk": token.pk})).status_code == 302
    assert _bearer(raw).get("/api/v1/products/").status_code == 401


def test_the_page_shows_a_new_token_once_and_lists_tokens(world):
    client = world.client("viewer")

    response = client.post(reverse("integrations:token_list"), {"name": "BI tool"})

    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert _bearer(raw).get("/api/v1/workspaces/").status_code == 200
    listing = client.get(reverse("integrations:token_list")).content.decode()
    assert "BI tool" in listing and raw not in listing
    # a duplicate name is a form error, not a 500
    response = client.post(reverse("integrations:token_list"), {"name": "BI tool"})
    assert response.status_code == 200 and response.context["form"].errors


def test_a_token_is_revocable_only_by_its_owner(world):
    token, raw = api_token_create(user=world.users["viewer"], name="mine")

    response = world.client("admin").post(reverse("integrations:token_revoke", kwargs={"pk": token.pk}))

    assert response.status_code == 404
    assert _bearer(raw).get("/api/v1/workspaces/").status_code == 200


def test_the_command_prints_a_working_token(world):
    out = StringIO()
    call_command("create_api_token", "product_owner_user", "--name", "sync", stdout=out)

    raw = out.getvalue().strip()
    assert _bearer(raw).get("/api/v1/items/").status_code == 200
    assert ApiToken.objects.get(name="sync").user == world.users["product_owner"]


def test_session_writes_need_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])

    assert client.get("/api/v1/products/").status_code == 200
    response = client.post("/api/v1/products/", {"workspace": world.workspace.pk, "name": "X", "key": "XX"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_rate_limits_are_per_token_with_retry_after(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/min"}}
    _, first = api_token_create(user=world.users["viewer"], name="a")
    _, second = api_token_create(user=world.users["viewer"], name="b")

    statuses = [_bearer(first).get("/api/v1/workspaces/").status_code for _ in range(4)]
    limited = _bearer(first).get("/api/v1/workspaces/")

    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert _bearer(second).get("/api/v1/workspaces/").status_code == 200

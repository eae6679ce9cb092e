"""Sign-in throttling: wrong passwords lock a username out from an address for a while, then it passes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.accounts.conftest import links_in
from tests.api.conftest import token_client


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _sign_in(client, username, password, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def _signed_in(client) -> bool:
    return bool(client.session.get("_auth_user_id"))


def test_five_wrong_passwords_lock_the_username_out_from_that_address(world):
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [_sign_in(client, "viewer_user", "wrong").status_code for _ in range(5)]

    right = _sign_in(client, "viewer_user", f.PASSWORD)

    assert answers == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert "Sign-in paused" in right.content.decode() and "15 minutes" in right.content.decode()
    assert not _signed_in(client)


def test_the_lockout_is_for_that_username_and_that_address_only(world):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _sign_in(attacker, "viewer_user", "wrong")

    other_user = _sign_in(attacker, "admin_user", f.PASSWORD)
    owner = Client(REMOTE_ADDR="198.51.100.20")
    from_elsewhere = _sign_in(owner, "viewer_user", f.PASSWORD)

    assert other_user.status_code == 302
    assert from_elsewhere.status_code == 302 and _signed_in(owner)


def test_the_lockout_ends_after_the_window(world):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _sign_in(client, "viewer_user", "wrong")
    assert _sign_in(client, "viewer_user", f.PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))  # the window passes

    assert _sign_in(client, "viewer_user", f.PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_admin_sign_in_counts_and_obeys_the_same_lockout(world):
    world.users["admin"].is_staff = True
    world.users["admin"].save()
    client = Client(REMOTE_ADDR="203.0.113.7")
    admin_login = reverse("admin:login")
    for _ in range(3):
        _sign_in(client, "admin_user", "wrong", admin_login)
    for _ in range(2):
        _sign_in(client, "admin_user", "wrong")

    assert _sign_in(client, "admin_user", f.PASSWORD, admin_login).status_code == 429
    assert _sign_in(client, "admin_user", f.PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_api_tokens_are_not_passwords_and_keep_working(world):
    client = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(6):
        _sign_in(client, "viewer_user", "wrong")

    assert token_client(world.users["viewer"]).get("/api/v1/workspaces/").status_code == 200


def test_a_password_reset_by_email_ends_the_lockout(world):
    viewer = world.users["viewer"]
    viewer.email = "viewer@example.com"
    viewer.save()
    client = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(5):
        _sign_in(client, "viewer_user", "wrong")

    client.post(reverse("accounts:password_reset"), {"email": "viewer@example.com"})
    (link,) = [p for p in links_in(mail.outbox[0]) if "/password/reset/" in p]
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "brand new pass 7", "new_password2": "brand new pass 7"})

    assert _sign_in(client, "viewer_user", "brand new pass 7").status_code == 302


def test_the_limit_comes_from_settings(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [_sign_in(client, "viewer_user", "wrong").status_code for _ in range(2)] == [200, 429]

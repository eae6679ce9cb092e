"""Optional two-factor authentication: turning it on (QR code, a code confirms it, recovery codes once),
signing in with it, the admin site asking for it, and turning it off with a code."""

import re
import time

import pytest
from django.contrib import admin as django_admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f

SECURITY = reverse("accounts:security")
VERIFY = reverse("accounts:two_factor_verify")


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now; a code already used cannot be used again, so each call moves the
    device's memory of the last one back (as the next 30-second window would)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _turn_on(client, user) -> list[str]:
    client.post(reverse("accounts:two_factor_setup_begin"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    page = client.get(reverse("accounts:two_factor_recovery_codes")).content.decode()
    return re.findall(r"<code>([a-z2-7]{8})</code>", page)


def _sign_in(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": f.PASSWORD}).status_code == 302
    return client


def test_turning_it_on_shows_a_qr_code_and_needs_a_code_from_the_app(world):
    user = world.users["viewer"]
    client = world.client("viewer")
    assert "Turn two-factor on" in client.get(SECURITY).content.decode()

    assert client.post(reverse("accounts:two_factor_setup_begin")).url == reverse("accounts:two_factor_setup")
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "<svg" in page and "QR code" in page
    assert 'src="http' not in page  # drawn here, nothing from another site
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    right = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    assert right.url == reverse("accounts:two_factor_recovery_codes")
    device.refresh_from_db()
    assert device.confirmed


def test_recovery_codes_are_shown_once(world):
    client = world.client("viewer")
    codes = _turn_on(client, world.users["viewer"])

    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("accounts:two_factor_recovery_codes")).url == SECURITY
    assert "Recovery codes left: 10" in client.get(SECURITY).content.decode()


def test_signing_in_then_asks_for_a_code(world):
    user = world.users["viewer"]
    _turn_on(world.client("viewer"), user)
    device = TOTPDevice.objects.get(user=user)
    products = reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk})

    client = _sign_in(user)
    blocked = client.get(products)
    api = client.get("/api/v1/workspaces/")
    wrong = client.post(VERIFY, {"code": "123456", "next": products})

    assert blocked.status_code == 302 and blocked.url.startswith(VERIFY)
    assert api.status_code == 403
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert client.get(products).status_code == 302

    right = client.post(VERIFY, {"code": code_for(device), "next": products})

    assert right.status_code == 302 and right.url == products
    assert client.get(products).status_code == 200
    assert client.get("/api/v1/workspaces/").status_code == 200


def test_a_recovery_code_signs_in_once(world):
    user = world.users["viewer"]
    codes = _turn_on(world.client("viewer"), user)

    first = _sign_in(user)
    assert first.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert first.get(SECURITY).status_code == 200

    second = _sign_in(user)
    assert second.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert second.get(SECURITY).status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_wrong_codes_make_the_next_try_wait(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user = world.users["viewer"]
    _turn_on(world.client("viewer"), user)
    device = TOTPDevice.objects.get(user=user)
    client = _sign_in(user)

    client.post(VERIFY, {"code": "123456"})
    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 400 and "Too many wrong codes" in response.content.decode()
    assert client.get(SECURITY).status_code == 302


def test_turning_it_off_needs_a_current_code(world):
    user = world.users["viewer"]
    client = world.client("viewer")
    _turn_on(client, user)
    device = TOTPDevice.objects.get(user=user)

    client.post(reverse("accounts:two_factor_disable"), {"code": "000000"})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    client.post(reverse("accounts:two_factor_disable"), {"code": code_for(device)})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()

    plain = _sign_in(user)
    assert plain.get(SECURITY).status_code == 200  # no code asked any more


def test_the_admin_site_asks_for_the_code_of_staff_who_turned_it_on(world):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    _turn_on(world.client("admin"), admin)
    device = TOTPDevice.objects.get(user=admin)

    client = _sign_in(admin)
    assert client.get("/admin/").url.startswith(VERIFY)

    client.post(VERIFY, {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_itself_refuses_an_unverified_session(world, rf):
    admin = world.users["admin"]
    admin.is_staff = True
    admin.save()
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    request = rf.get("/admin/")
    request.user = admin
    admin.is_verified = lambda: False

    assert django_admin.site.has_permission(request) is False
    admin.is_verified = lambda: True
    assert django_admin.site.has_permission(request) is True


def test_new_recovery_codes_replace_the_old_ones(world):
    user = world.users["viewer"]
    client = world.client("viewer")
    old = _turn_on(client, user)
    device = TOTPDevice.objects.get(user=user)

    client.post(reverse("accounts:two_factor_recovery_codes"), {"code": code_for(device)})
    page = client.get(reverse("accounts:two_factor_recovery_codes")).content.decode()
    new = re.findall(r"<code>([a-z2-7]{8})</code>", page)

    assert len(new) == 10 and not set(new) & set(old)
    assert _sign_in(user).post(VERIFY, {"code": old[0]}).status_code == 400


def test_pages_ask_the_database_nothing_more_about_two_factor_after_sign_in(world):
    client = world.client("viewer")  # signed in: the session notes that two-factor is off
    url = reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk})

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    assert not [q["sql"] for q in queries if "otp_" in q["sql"]]

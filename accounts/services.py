"""Writes of sign-in security: two-factor authentication with an authenticator app (TOTP) and
recovery codes, and clearing a sign-in lockout.

A wrong code is recorded before the answer (django-otp then makes each next try wait longer:
1, 2, 4 … seconds), so code checks run in a transaction of their own that commits either way.
"""

import math

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.exceptions import ApplicationError

RECOVERY_CODE_COUNT = 10
WRONG_CODE = "That code is not right. Enter the 6 digits your app shows now, or one of your recovery codes."


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _check(device: Device, code: str) -> None:
    """Raise ApplicationError unless `code` is right for `device`; a wrong try is committed either way."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        verified = allowed and device.verify_token(code)
    if not allowed:
        locked_until = (details or {}).get("locked_until") or timezone.now()
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        raise ApplicationError(f"Too many wrong codes in a row: wait {seconds} s, then try again.")
    if not verified:
        raise ApplicationError(WRONG_CODE)


def two_factor_check(*, user, code: str) -> Device:
    """The device that accepts `code`: the authenticator app (6 digits) or a recovery code (used up)."""
    code = _normalise(code)
    if code.isdigit():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise ApplicationError(WRONG_CODE)
    _check(device, code)
    return device


@transaction.atomic
def two_factor_setup_begin(*, user) -> TOTPDevice:
    """A new authenticator secret, not yet in force: a code from the app must confirm it first."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ApplicationError("Two-factor authentication is on already.")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def two_factor_setup_confirm(*, user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor on with a code from the app being set up; returns the device and new recovery codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise ApplicationError("No authenticator is waiting for a code: start the setup again.")
    code = _normalise(code)
    if not code.isdigit():
        raise ApplicationError("Enter the 6 digits your authenticator app shows for PMHub.")
    _check(device, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.refresh_from_db()
        codes = _recovery_codes_replace(user)
    return device, codes


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_recovery_codes_renew(*, user, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), against a current code."""
    two_factor_check(user=user, code=code)
    with transaction.atomic():
        return _recovery_codes_replace(user)


def two_factor_disable(*, user, code: str) -> None:
    """Turn two-factor off, against a current code from the app or a recovery code."""
    two_factor_check(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def sign_in_lockout_clear(*, username: str) -> int:
    """Forget the failed sign-ins of `username` (after its password was reset by email)."""
    return axes_reset(username=username)

"""Reads about a user's sign-in security: two-factor devices and recovery codes.

The models are looked up when called, so that this module (and the two-factor gate that uses
it) can be imported while Django is still loading apps.
"""

from typing import TYPE_CHECKING

from django.apps import apps

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice


def _totp_devices():
    return apps.get_model("otp_totp", "TOTPDevice").objects


def two_factor_enabled(*, user) -> bool:
    """Two-factor authentication is on once an authenticator app has been confirmed with a code."""
    if not user.is_authenticated:
        return False
    return _totp_devices().filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user) -> "TOTPDevice | None":
    """The authenticator being set up: shown as a QR code until a code from it confirms it."""
    return _totp_devices().filter(user=user, confirmed=False).order_by("-id").first()


def recovery_codes_left(*, user) -> int:
    tokens = apps.get_model("otp_static", "StaticToken").objects
    return tokens.filter(device__user=user, device__confirmed=True).count()

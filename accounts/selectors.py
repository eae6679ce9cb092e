"""Reads about a user's sign-in security: two-factor devices and recovery codes."""

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_enabled(*, user) -> bool:
    """Two-factor authentication is on once an authenticator app has been confirmed with a code."""
    if not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user) -> TOTPDevice | None:
    """The authenticator being set up: shown as a QR code until a code from it confirms it."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_device(*, user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()

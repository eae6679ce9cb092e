"""The two-factor gate: a user who turned two-factor authentication on reaches only the code page
(and sign-out) until this session has been verified with a code.

Whether the user has it on is noted in the session when they sign in, by whatever path (password,
admin, single sign-on, invitation: all go through django.contrib.auth.login, whose signal the
accounts app connects to `two_factor_note_at_sign_in`), so that other requests need no query to
know it. A session without the note (signed in before this was deployed) is looked up once.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_ID_SESSION_KEY
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import two_factor_enabled

SESSION_KEY = "accounts_two_factor_on"


def two_factor_note(request, *, enabled: bool) -> None:
    request.session[SESSION_KEY] = enabled


def two_factor_note_at_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        two_factor_note(request, enabled=two_factor_enabled(user=user))


def two_factor_pending(request) -> bool:
    """Signed in, two-factor on, and no code given yet in this session."""
    session = getattr(request, "session", None)
    if session is None or not session.get(USER_ID_SESSION_KEY):
        return False
    if SESSION_KEY not in session:
        two_factor_note(request, enabled=two_factor_enabled(user=request.user))
    return bool(session[SESSION_KEY]) and not request.user.is_verified()


class TwoFactorMiddleware:
    """Install after django_otp's OTPMiddleware (which tells whether the session is verified)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if two_factor_pending(request) and not self._exempt(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Enter your two-factor code first (sign in again in the browser).", "errors": {}},
                    status=403,
                )
            verify = reverse("accounts:two_factor_verify")
            return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path in (reverse("accounts:two_factor_verify"), reverse("logout")) or path.startswith(static)

"""Single sign-on with an OpenID Connect provider (mozilla-django-oidc), configured from the environment.

The provider's endpoints come from its discovery document (OIDC_OP_DISCOVERY_URL), read at the
first sign-in and kept for an hour, or from the OIDC_OP_* settings one by one; nothing is fetched
when Django starts or when someone signs in with a password. Besides the library's checks (RS256
signature against the provider's JWKS, expiry, nonce, PKCE), the ID token must be issued to this
client and by the expected issuer. A user is matched by email address (case-insensitive) or created.
"""

import logging
import re
import time
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)
DISCOVERY_TTL_SECONDS = 3600
SIGN_IN_FAILED = "Single sign-on did not complete. Try again, or sign in with your PMHub username and password."


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


@dataclass(frozen=True)
class Provider:
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    issuer: str


_discovered: dict[str, tuple[float, dict]] = {}


def _discovery(url: str) -> dict:
    fetched = _discovered.get(url)
    if fetched is not None and time.monotonic() - fetched[0] < DISCOVERY_TTL_SECONDS:
        return fetched[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"The OpenID Connect discovery document at {url} could not be read.") from error
    _discovered[url] = (time.monotonic(), document)
    return document


def provider() -> Provider:
    """The provider's endpoints: each OIDC_OP_* setting that is set, the discovery document for the rest."""
    document = _discovery(settings.OIDC_OP_DISCOVERY_URL) if settings.OIDC_OP_DISCOVERY_URL else {}
    values = {
        "authorization_endpoint": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo_endpoint": settings.OIDC_OP_USER_ENDPOINT,
        "jwks_uri": settings.OIDC_OP_JWKS_ENDPOINT,
        "issuer": settings.OIDC_OP_ISSUER,
    }
    values = {name: value or document.get(name, "") for name, value in values.items()}
    missing = [name for name, value in values.items() if not value and name != "issuer"]
    if missing:
        raise ProviderUnavailable(f"The OpenID Connect provider does not say its {', '.join(missing)}.")
    return Provider(**values)


def username_for_claims(claims: dict) -> str:
    """A readable, unused username: the provider's preferred username or the address's local part."""
    User = get_user_model()
    wanted = claims.get("preferred_username") or claims.get("email", "").split("@")[0]
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "user"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}{n}"
    return username


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in the user whose email address the provider vouches for (creating the account if needed)."""

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here; Django builds backends on each password sign-in too,
        # so the endpoints are read lazily (the properties below) instead.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider().token_endpoint)
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider().userinfo_endpoint)
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider().jwks_uri)

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password sign-in never reaches the provider.
        if request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        issuer = provider().issuer
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def verify_claims(self, claims) -> bool:
        # An address the provider says it has not verified could be anyone's: it matches no account.
        return bool(claims.get("email")) and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims["email"].strip(), is_active=True)

    def create_user(self, claims):
        return self.UserModel.objects.create_user(
            username_for_claims(claims),
            email=claims["email"].strip().lower(),
            first_name=(claims.get("given_name") or "")[:150],
            last_name=(claims.get("family_name") or "")[:150],
        )


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not configured.")


class OIDCAuthenticateView(OIDCAuthenticationRequestView):
    """Send the browser to the provider's sign-in page."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the library's __init__ reads endpoints from settings at once
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        _require_enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable:
            logger.exception("Single sign-on is configured but its provider cannot be reached")
            messages.error(request, "The single sign-on provider cannot be reached now. Try again later.")
            return redirect(settings.LOGIN_URL)
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back with a code; signs the user in or explains why not."""

    def get(self, request):
        _require_enabled()
        try:
            return super().get(request)
        except (SuspiciousOperation, ProviderUnavailable, ImproperlyConfigured, requests.RequestException) as error:
            logger.warning("Single sign-on failed: %s", error)
        except jwt.PyJWTError as error:
            logger.warning("Single sign-on failed: the ID token is not valid: %s", error)
        return self.login_failure()

    def login_failure(self):
        messages.error(self.request, SIGN_IN_FAILED)
        return redirect(settings.LOGIN_URL)

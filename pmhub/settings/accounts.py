"""Accounts and sign-in: email, lockout, two-factor and single sign-on (the accounts app)."""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from .base import env

# ---- Accounts and sign-in (the accounts app; README "Accounts and sign-in") ----------------------
# Email: EMAIL_URL (smtp://user:password@host:587, smtp+tls://…, smtp+ssl://…, consolemail://) or
# EMAIL_HOST with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL.
# Neither: emails (invitations, password resets) are printed on the console.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)
INVITATION_LIFETIME_DAYS = env("INVITATION_LIFETIME_DAYS")
INVITATION_EMAILS_PER_HOUR = env("INVITATION_EMAILS_PER_HOUR")  # per workspace

# Lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from one address lock
# that pair out for AXES_COOLOFF_MINUTES, on the sign-in page and the admin's alike. API tokens are
# not passwords and are not counted. Attempts are kept in the database (shared by every process).
AXES_ENABLED = env("AXES_ENABLED")
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=env("AXES_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_TRUSTED_PROXY_COUNT = env("AXES_TRUSTED_PROXY_COUNT")
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"

# Two-factor authentication (django-otp): optional, per user, from the Security page.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER")

# Single sign-on with OpenID Connect (mozilla-django-oidc): on when a client id is set, with the
# provider's discovery URL or its endpoints one by one. Off: no button and no backend.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
OIDC_OP_DISCOVERY_URL = env("OIDC_OP_DISCOVERY_URL")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME")
OIDC_CREATE_USER = env("OIDC_CREATE_USER")
OIDC_TIMEOUT = env("OIDC_TIMEOUT")
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED and not (
    OIDC_OP_DISCOVERY_URL
    or (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_USER_ENDPOINT and OIDC_OP_JWKS_ENDPOINT)
):
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set: set OIDC_OP_DISCOVERY_URL too, or OIDC_OP_AUTHORIZATION_ENDPOINT, "
        "OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT and OIDC_OP_JWKS_ENDPOINT."
    )
if OIDC_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured("OIDC_RP_CLIENT_ID is set but OIDC_RP_CLIENT_SECRET is not.")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username and address
    "django.contrib.auth.backends.ModelBackend",
    *(["accounts.oidc.OIDCBackend"] if OIDC_ENABLED else []),
]

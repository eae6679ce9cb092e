"""PMHub settings: everything comes from the environment (see .env.example).

The defaults serve a newcomer: a SQLite file in the project folder, Celery tasks run in-process,
DEBUG off and a secret key generated once into a local file. With DEBUG off, PMHub refuses to
start on a placeholder or short SECRET_KEY.
"""

import os
import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    DATABASE_URL=(str, f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    CELERY_BROKER_URL=(str, ""),
    CELERY_RESULT_BACKEND=(str, ""),
    WEBHOOK_ALLOW_PRIVATE_TARGETS=(bool, False),
    API_RATE_LIMIT=(str, "1200/min"),
    LOG_LEVEL=(str, "INFO"),
    SECURE_SSL_REDIRECT=(bool, False),
    DEFAULT_FROM_EMAIL=(str, "PMHub <pmhub@localhost>"),
    INVITATION_LIFETIME_DAYS=(int, 7),
    INVITATION_EMAILS_PER_HOUR=(int, 50),
    AXES_ENABLED=(bool, True),
    AXES_FAILURE_LIMIT=(int, 5),
    AXES_COOLOFF_MINUTES=(int, 15),
    AXES_TRUSTED_PROXY_COUNT=(int, 0),
    OTP_TOTP_ISSUER=(str, "PMHub"),
    OIDC_RP_CLIENT_ID=(str, ""),
    OIDC_RP_CLIENT_SECRET=(str, ""),
    OIDC_OP_DISCOVERY_URL=(str, ""),
    OIDC_OP_AUTHORIZATION_ENDPOINT=(str, ""),
    OIDC_OP_TOKEN_ENDPOINT=(str, ""),
    OIDC_OP_USER_ENDPOINT=(str, ""),
    OIDC_OP_JWKS_ENDPOINT=(str, ""),
    OIDC_OP_ISSUER=(str, ""),
    OIDC_RP_SIGN_ALGO=(str, "RS256"),
    OIDC_RP_SCOPES=(str, "openid email profile"),
    OIDC_PROVIDER_NAME=(str, "single sign-on"),
    OIDC_CREATE_USER=(bool, True),
    OIDC_TIMEOUT=(int, 10),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")

# Secret key: SECRET_KEY from the environment, or else a key generated on first start and kept in
# SECRET_KEY_FILE (default .secret_key, git-ignored, readable by its owner only). With DEBUG off, the
# placeholders of examples and compose files, and keys Django's own check calls weak, are refused.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "dev-insecure-pmhub-secret-key-change-me",
        "change-me-to-a-long-random-string",
        "a-long-random-string",
        "change-me",
        "changeme",
        "secret",
    }
)
SECRET_KEY_FILE = Path(env("SECRET_KEY_FILE", default=str(BASE_DIR / ".secret_key")))


def _generated_secret_key(path: Path) -> str:
    """The key kept in `path`, made on first use. The file appears whole or not at all (written
    aside, then linked), so two processes starting at once end up with the same key."""
    if path.is_file():
        return path.read_text().strip()
    draft = path.with_name(f"{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(get_random_secret_key() + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def weak_secret_key(key: str) -> bool:
    return (
        key in PLACEHOLDER_SECRET_KEYS
        or key.startswith(("django-insecure", "change-me", "changeme"))
        or len(key) < 50
        or len(set(key)) < 5
    )


SECRET_KEY = env("SECRET_KEY") or _generated_secret_key(SECRET_KEY_FILE)
if not DEBUG and weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is a placeholder or too weak (it needs 50 or more characters, 5 or more "
        "of them different). Set SECRET_KEY to a long random value, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, or unset it to use the key "
        f"generated in {SECRET_KEY_FILE.name}."
    )
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts.apps.PMHubAdminConfig",  # django.contrib.admin, with two-factor for those who turned it on
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "pmhub",
    "core",
    "workspaces",
    "products",
    "jobs",
    "okrs",
    "roadmap",
    "backlog",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "integrations",
    "dashboards",
    "prioritization",
    "customfields",
    "discovery",
    "delivery",
    "collaboration",
    "notifications",
    "transfer",
    "search",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "collaboration.middleware.HistoryContextMiddleware",  # who changed what (PostgreSQL triggers)
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "collaboration.middleware.TrashUndoMiddleware",  # "… is in the trash. Undo" after a page deletes
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "pmhub.urls"
WSGI_APPLICATION = "pmhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "products.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEVELOPMENT_SERVER = sys.argv[1:2] == ["runserver"]
# Under an ASGI server (uvicorn) each request runs in a thread of its own, like under runserver.
ASGI_SERVER = "uvicorn" in sys.argv[0]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers queue instead of failing with "database is locked": a transaction takes
    # the write lock when it begins (IMMEDIATE, so it never has to upgrade a read lock midway, which
    # SQLite refuses without waiting), waits up to SQLITE_BUSY_TIMEOUT seconds for it, and readers
    # never block the writer (WAL journal).
    _busy_seconds = env.int("SQLITE_BUSY_TIMEOUT", default=20)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": _busy_seconds,
            "init_command": (
                f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={_busy_seconds * 1000}"
            ),
        }
    )
    # Tests use a file too: threads of one test (concurrent requests) need their own connections.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
else:
    # Keep a worker's connection between requests (checked before reuse) instead of opening one per
    # request: a new PostgreSQL backend costs a connect plus loading its catalog caches for every
    # table a request touches, about as long as the request's own queries. Not under the development
    # server: it answers each request on a new thread, whose kept connection would outlive it until
    # PostgreSQL runs out of connections ("too many clients"). The same under uvicorn (ASGI), where
    # Django asks for no persistent connections (put PgBouncer in front for pooling).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    if DEVELOPMENT_SERVER or ASGI_SERVER:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Through PgBouncer in transaction mode a connection is shared between transactions, so nothing
    # may outlive one: no server-side cursors (Django's .iterator() declares WITH HOLD cursors).
    # PMHub keeps no other session state (no SET, no advisory session locks, no LISTEN).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)
    # An optional streaming replica for dashboards, exports and heavy reads (core/db_router.py).
    if env("DATABASE_REPLICA_URL", default=""):
        DATABASES["replica"] = {
            **env.db("DATABASE_REPLICA_URL"),
            **{k: DATABASES["default"][k] for k in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "ATOMIC_REQUESTS")},
            "DISABLE_SERVER_SIDE_CURSORS": DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"],
            "TEST": {"MIRROR": "default"},
        }
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
# The cache holds the API's rate-limit counters. The default counts per process; with several
# processes (gunicorn workers, hosts) set CACHE_URL=redis://…/1 so that they count together.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Whole-product figures (board, timeline, dashboards, matrix, ranked positions) are cached by a
# version every write bumps (core/figures.py); this bounds a figure's life all the same (seconds).
FIGURES_TTL = env.int("FIGURES_TTL", default=300)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# One date and number format on every page (pmhub/formats/en/formats.py), and the currency money is shown in.
FORMAT_MODULE_PATH = ["pmhub.formats"]
PMHUB_CURRENCY = env("PMHUB_CURRENCY", default="EUR")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# With DEBUG off, static files get hashed names from collectstatic's manifest (`make run` and compose
# collect them); WhiteNoise serves them, and serves a file not collected yet from its source folder.
# Tests render pages without collecting, so they use plain names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or "pytest" in sys.modules
        else "pmhub.storage.ManifestOrPlainStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Security headers and cookies. With DEBUG off, cookies travel over HTTPS only and browsers are
# told to keep to HTTPS (HSTS). Behind a proxy that terminates TLS, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (only if the proxy always sets that header).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; kept default.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env("SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container's health check asks over plain HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER takes a header and a value, e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)

# Content-Security-Policy (django-csp): the pages load scripts, styles, images and data from this
# site only, with no inline script or style (templates pass values as data attributes that
# static/js/app.js turns into CSS custom properties). The API docs page relaxes it for itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.BearerTokenAuthentication",  # first: its challenge makes "no credentials" a 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "core.exception_handler.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["integrations.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env("API_RATE_LIMIT")},
    "DEFAULT_SCHEMA_CLASS": "core.schema.PMHubAutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.renderers.StrictContentNegotiation",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PMHub API",
    "DESCRIPTION": (
        "Roadmaps, backlogs and OKRs for integrations. Authenticate with `Authorization: Bearer <token>` "
        "(create a personal token in the app) or a browser session. Writes send `If-Match` with the "
        "`version` they read; errors have one shape: `{detail, errors: {field: [messages]}}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.postprocess_query_text"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "FrameworkEnum": "prioritization.models.Framework",
        "ItemStatusEnum": "backlog.models.ItemStatus",
        "MoscowEnum": "backlog.models.MoSCoW",
        "ScenarioStatusEnum": "prioritization.models.ScenarioStatus",
        "SprintStatusEnum": "backlog.models.SprintStatus",
        "ReleaseStatusEnum": "roadmap.models.ReleaseStatus",
        "InitiativeStatusEnum": "roadmap.models.InitiativeStatus",
        "JobStateEnum": "jobs.models.JobState",
        "DeliveryStatusEnum": "integrations.models.DeliveryStatus",
        "KpiDirectionEnum": "okrs.choices.Direction",
        "KeyResultDirectionEnum": "okrs.choices.KeyResultDirection",
        "ImpactEnum": "backlog.models.IMPACT_INPUTS",
        "ImpactValueEnum": "backlog.models.IMPACT_OUTPUTS",
        "CustomerKindEnum": "discovery.models.CustomerKind",
        "ItemKindEnum": "backlog.models.ItemKind",
        "NoteStateEnum": "discovery.models.NoteState",
        "IdeaStatusEnum": "discovery.models.IDEA_STATUSES",
        "IdeaStatusSettableEnum": "discovery.models.IDEA_STATUSES_SETTABLE",
        "SearchHitKindEnum": "search.selectors.KIND_CHOICES",
        "NotificationKindEnum": "notifications.models.NotificationKind",
        "NotificationTargetTypeEnum": "notifications.models.TargetType",
        "WatchTargetTypeEnum": "notifications.models.WATCHABLE",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "celery.app.trace": {"level": "WARNING"}},
}

SILENCED_SYSTEM_CHECKS = ["models.W038"]  # SQLite lacks deferrable unique constraints; PostgreSQL has them.

# Activity history (collaboration.history): PostgreSQL triggers written by django-pghistory. They are
# installed after every `migrate` (not through migrations of the tracked apps); on SQLite there are none.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")  # reads write nothing worth a context
HISTORY_RECORDED = DATABASES["default"]["ENGINE"].endswith("postgresql")

"""Safe defaults an operator relies on: DEBUG off unless asked for, a generated secret kept in a
private file, placeholder secrets refused, security headers and Secure cookies in production,
the friendly 404 for a revoked share link, and connection settings that fit each server."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from pmhub.settings import weak_secret_key
from roadmap.models import RoadmapShareLink

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "kX9#mQ2$vL7!pR4@wZ8%nT1^bY6&cF3*hJ5(dG0)sA-eU_iO+lK=" + "q" * 8
SETTINGS_PROBE = (
    "import json, sys; sys.argv = {argv!r}; import django; django.setup(); from django.conf import settings; "
    "print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
)


def _environment(changes: dict) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "SECRET_KEY_FILE")}
    base["DJANGO_SETTINGS_MODULE"] = "pmhub.settings"
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def probe(changes: dict, *names: str, argv=("manage.py", "check")) -> dict:
    """Settings as a fresh process started with this environment (and command line) sees them."""
    code = SETTINGS_PROBE.format(argv=list(argv), names=list(names))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_environment(changes), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def deploy_check(changes: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=_environment(changes),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_unless_asked_for(tmp_path):
    key_file = str(tmp_path / "key")
    assert probe({"SECRET_KEY_FILE": key_file}, "DEBUG") == {"DEBUG": False}
    assert probe({"SECRET_KEY_FILE": key_file, "DEBUG": "true"}, "DEBUG") == {"DEBUG": True}


def test_a_secret_key_is_generated_once_into_a_file_only_its_owner_reads(tmp_path):
    key_file = tmp_path / "secret"
    first = probe({"SECRET_KEY_FILE": str(key_file)}, "SECRET_KEY")["SECRET_KEY"]
    assert key_file.read_text().strip() == first and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = probe({"SECRET_KEY_FILE": str(key_file)}, "SECRET_KEY")["SECRET_KEY"]
    assert again == first
    assert list(tmp_path.iterdir()) == [key_file]  # no draft left behind
    given = probe({"SECRET_KEY_FILE": str(key_file), "SECRET_KEY": STRONG_KEY}, "SECRET_KEY")["SECRET_KEY"]
    assert given == STRONG_KEY


def test_the_secret_key_file_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", ".secret_key"], cwd=ROOT, capture_output=True, text=True)
    assert ignored.returncode == 0


@pytest.mark.parametrize(
    "key",
    [
        "change-me-to-a-long-random-string",  # the old compose default
        "dev-insecure-pmhub-secret-key-change-me",  # the old development key
        "django-insecure-" + "a1b2c3d4e5" * 5,  # what startproject writes
        "x" * 60,  # long, but one character
        "Xy7#pQ2!zR9@",  # varied, but short
    ],
)
def test_placeholder_and_weak_secret_keys_are_recognised(key):
    assert weak_secret_key(key)
    assert not weak_secret_key(STRONG_KEY)


def test_production_refuses_to_start_on_a_placeholder_secret_key():
    result = deploy_check({"DEBUG": "false", "SECRET_KEY": "change-me-to-a-long-random-string"})
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder or too weak" in result.stderr


def test_production_starts_with_a_strong_secret_key_and_debug_accepts_any():
    assert deploy_check({"DEBUG": "false", "SECRET_KEY": STRONG_KEY}).returncode == 0
    assert probe({"DEBUG": "true", "SECRET_KEY": "change-me"}, "DEBUG") == {"DEBUG": True}


def test_production_security_settings_come_from_the_environment(tmp_path):
    names = (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
    )
    defaults = probe({"SECRET_KEY": STRONG_KEY}, *names)
    assert defaults == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,  # trusted only when a proxy is said to set it
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
    }
    behind_a_proxy = probe(
        {
            "SECRET_KEY": STRONG_KEY,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
            "SECURE_HSTS_PRELOAD": "true",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        },
        *names,
    )
    assert behind_a_proxy["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and behind_a_proxy["SECURE_HSTS_PRELOAD"] is True
    assert behind_a_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]  # a tuple, as JSON


def test_pages_over_https_carry_hsts_secure_cookies_and_the_policy(world, client):
    # This test process runs with the production defaults (DEBUG off).
    url = reverse("login")
    response = client.get(url, secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True
    world.users["viewer"].set_password("a long passphrase")
    world.users["viewer"].save()
    signed_in = client.post(url, {"username": "viewer_user", "password": "a long passphrase"}, secure=True)
    assert signed_in.status_code == 302
    assert signed_in.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True


def test_a_revoked_share_link_shows_the_friendly_404(world):
    manager = world.client("product_manager")
    created = manager.post(
        reverse("roadmap:share_link_create", kwargs={"product_id": world.product.pk}), {"label": "Board"}
    )
    shared = urlsplit(created.context["new_share_url"]).path
    link = RoadmapShareLink.objects.get(product=world.product)
    manager.post(reverse("roadmap:share_link_revoke", kwargs={"product_id": world.product.pk, "pk": link.pk}))

    response = world.client(None).get(shared)

    page = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist" in page and "<title>Not found · PMHub</title>" in page
    assert "URLconf" not in page and "Traceback" not in page and "Using the URLconf" not in page
    assert "Content-Security-Policy" in response


def test_the_development_server_keeps_no_database_connection_between_requests(postgres, tmp_path):
    env = {"SECRET_KEY_FILE": str(tmp_path / "key"), "DB_CONN_MAX_AGE": "60"}
    served = probe(env, "DATABASES", argv=("manage.py", "runserver"))["DATABASES"]
    assert served["default"]["CONN_MAX_AGE"] == 0
    gunicorn = probe(env, "DATABASES", argv=("gunicorn", "pmhub.wsgi"))["DATABASES"]
    assert gunicorn["default"]["CONN_MAX_AGE"] == 60
    uvicorn = probe(env, "DATABASES", argv=("/venv/bin/uvicorn", "pmhub.asgi:application"))["DATABASES"]
    assert uvicorn["default"]["CONN_MAX_AGE"] == 0  # ASGI: a thread per request, like runserver


def test_the_sqlite_default_queues_writers_instead_of_failing(tmp_path):
    env = {"SECRET_KEY_FILE": str(tmp_path / "key"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    options = probe(env, "DATABASES")["DATABASES"]["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"] and "busy_timeout=" in options["init_command"]

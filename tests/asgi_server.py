"""Run PMHub under uvicorn (a real ASGI server process) on a free port, against the test database."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def uvicorn_server(*, live_redis_url: str, extra_env: dict | None = None):
    """Yield the base URL of a uvicorn process serving pmhub.asgi on a socket bound to port 0."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    db = settings.DATABASES["default"]
    database_url = (
        f"postgres://{db['USER']}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}@{db['HOST']}:{db['PORT']}/"
        f"{connection.settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LIVE_REDIS_URL": live_redis_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LIVE_POLL_SECONDS": "1",
        "LIVE_HEARTBEAT_SECONDS": "1",
        "AXES_ENABLED": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        **(extra_env or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "pmhub.asgi:application", "--fd", str(sock.fileno())),
            *("--log-level", "warning", "--timeout-graceful-shutdown", "1"),
        ],
        cwd=ROOT,
        env=env,
        pass_fds=[sock.fileno()],
    )
    sock.close()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answers (healthz may report a missing broker): it runs
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def redis_url_for_tests() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        from tests.conftest import skip_or_fail

        skip_or_fail("needs Redis: set CELERY_BROKER_URL=redis://…")
    return url


@pytest.fixture(scope="module")
def asgi_base(django_db_setup, django_db_blocker):
    """One uvicorn process per test module, serving the test database, with live updates on Redis."""
    with django_db_blocker.unblock(), uvicorn_server(live_redis_url=redis_url_for_tests()) as base:
        yield base


@pytest.fixture
def live_settings(settings):
    """This process publishes live updates to the Redis the server reads (writes made by the test itself)."""
    settings.LIVE_REDIS_URL = redis_url_for_tests()
    return settings

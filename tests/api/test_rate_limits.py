"""Per-token rate limits kept in Redis: every process counts against one limit, and requests that
arrive at once are each counted (the increment is atomic)."""

import threading
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection

from integrations.models import ApiToken
from tests import factories as f
from tests.conftest import skip_or_fail

from .conftest import token_client

PREFIX = "pmhub-rate-test"


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis (the broker's server, database 14), as CACHE_URL=redis://… gives it."""
    import redis

    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        skip_or_fail("needs Redis: set CELERY_BROKER_URL=redis://…")
    url = urlunsplit(urlsplit(broker)._replace(path="/14"))
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": PREFIX}
    }
    raw = redis.Redis.from_url(url)
    yield raw
    for key in raw.scan_iter(f"{PREFIX}:*"):
        raw.delete(key)


def _limit(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": rate}}


def test_requests_served_by_another_process_count_against_the_same_limit(world, settings, redis_cache):
    _limit(settings, "4/min")
    client = token_client(world.users["viewer"])
    token = ApiToken.objects.get(user=world.users["viewer"])
    assert client.get("/api/v1/workspaces/").status_code == 200

    # Another worker process served two requests of the same token: it counted them in Redis.
    (count_key,) = [
        k for k in redis_cache.scan_iter(f"{PREFIX}:*throttle_api_token:{token.pk}:*") if not k.endswith(b":opened")
    ]
    assert int(redis_cache.get(count_key)) == 1
    redis_cache.incrby(count_key, 2)

    assert client.get("/api/v1/workspaces/").status_code == 200  # the 4th of the window
    limited = client.get("/api/v1/workspaces/")
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 60
    assert token_client(world.users["admin"]).get("/api/v1/workspaces/").status_code == 200  # other tokens unaffected


@pytest.mark.usefixtures("postgres")
def test_requests_arriving_at_once_are_each_counted(transactional_db, settings, redis_cache):
    _limit(settings, "5/min")
    user = f.UserFactory(username="burst")
    f.MembershipFactory(workspace=f.WorkspaceFactory(), user=user, role="viewer")
    client = token_client(user)
    statuses: list = []
    start = threading.Barrier(12)

    def call() -> None:
        try:
            start.wait(timeout=10)
            statuses.append(client.get("/api/v1/workspaces/").status_code)
        except Exception as error:  # reported by the assertion below
            statuses.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(statuses) == {200: 5, 429: 7}

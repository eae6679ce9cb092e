import itertools

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from integrations.services import api_token_create


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


_names = itertools.count(1)


def token_client(user) -> APIClient:
    _, raw = api_token_create(user=user, name=f"test-{next(_names)}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api(world):
    """api("admin") → a token client of that role's user; api("outsider"); api(None) → no credentials."""
    made = {}

    def get(role):
        if role not in made:
            if role is None:
                made[role] = APIClient()
            else:
                made[role] = token_client(world.outsider if role == "outsider" else world.users[role])
        return made[role]

    return get

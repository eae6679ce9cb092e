import pytest
from django.core.cache import cache

from tests.api.conftest import api, token_client  # noqa: F401 - shared fixtures for the API tests here


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()

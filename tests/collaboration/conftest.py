from tests.api.conftest import _fresh_throttle, api  # noqa: F401  (the API clients of tests/api)

from tests.api.conftest import api  # noqa: F401  (the token clients of the API tests)

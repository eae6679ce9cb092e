"""The OpenAPI schema: valid without warnings, documented, served offline, and fuzzed by schemathesis."""

import re
import time

import pytest
import yaml
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.test import APIClient

from tests import factories as f

from .conftest import token_client
from .resources import RESOURCES

FUZZ_EXAMPLES = 6  # per operation
FUZZ_SECONDS = 150  # for the whole run (CI has 2 cores)
STATUSES: list = []
KNOWN_IDS: dict[str, int] = {}


def _schema(client=None) -> dict:
    response = (client or APIClient()).get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_validates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 10_000


def test_every_operation_is_described_with_request_and_response_schemas(db):
    schema = _schema()
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]

    assert len(operations) > 90
    for path, method, op in operations:
        assert op.get("description"), f"{method.upper()} {path} has no description"
        assert op["responses"], f"{method.upper()} {path} has no response"
        bodiless_actions = (
            "/ping/",
            "/prioritize/",
            "/apply/",
            "/discard/",
            "/resend/",
            "/restore/",
        )  # POSTs that take no input
        if method in ("post", "put", "patch") and not path.endswith(bodiless_actions):
            assert "requestBody" in op, f"{method.upper()} {path} has no request body"
    resources = {p.split("/")[3] for p in schema["paths"]}
    assert {"workspaces", "members", "products", "visions", "business-cases", "personas", "themes"} <= resources
    assert {"initiatives", "releases", "items", "sprints", "objectives", "key-results", "kpis"} <= resources
    assert {"measurements", "webhooks", "jobs"} <= resources
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_swagger_ui_is_served_without_a_cdn(db):
    html = APIClient().get("/api/docs/").content.decode()

    assert "swagger-ui" in html
    scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert scripts and all(s.startswith("/static/") or s.startswith("/api/") for s in scripts), scripts


@pytest.mark.usefixtures("postgres")
def test_schemathesis_finds_no_server_error(world, settings):
    """Fuzz every operation with schema-shaped input as an admin: nothing may answer 5xx.

    Path ids point at real objects of the admin's workspace, so bodies reach the services.
    """
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    for resource in RESOURCES:
        KNOWN_IDS[resource.url] = resource.make(world.product, world.workspace).pk
    f.CriterionFactory(item_id=KNOWN_IDS["items"])
    client = token_client(world.users["admin"])
    auth = client._credentials["HTTP_AUTHORIZATION"]

    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # Like Django's test client: the WSGI app must not close the test's connection after a request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz(schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()), auth)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(schema, auth: str) -> None:
    from django.core.cache import cache
    from django.db import transaction

    deadline = time.monotonic() + FUZZ_SECONDS
    failures, ran = [], 0

    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() > deadline:
            break
        ran += 1

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            cache.clear()  # the fuzzer is not testing the rate limit
            if "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = KNOWN_IDS.get(case.path.split("/")[3], case.path_parameters["id"])
            try:
                with transaction.atomic():  # a failed write must not poison the test's transaction
                    response = case.call(headers={"Authorization": auth})
                    STATUSES.append(response.status_code)
                    if response.status_code >= 500:
                        failures.append(
                            f"{case.method} {case.formatted_path} {case.query} {case.body!r} → "
                            f"{response.status_code} {response.text[:300]}"
                        )
                    transaction.set_rollback(True)
            except Exception as error:  # an exception is a 500 in production
                failures.append(f"{case.method} {case.formatted_path} {case.body!r} raised {error!r}")

        run()

    assert ran > 90
    assert sum(200 <= code < 300 for code in STATUSES) > 100  # the fuzz reached the handlers, not only 404s
    assert failures == []

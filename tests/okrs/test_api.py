"""Key results and objectives in the API: progress and health are read-only figures, documented in the schema,
and the current value is moved by check-ins only."""

import yaml
from rest_framework.test import APIClient

from okrs.models import KeyResult, Objective
from tests import factories as f


def _schema() -> dict:
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)["components"]["schemas"]


def test_progress_and_health_are_read_only_figures_in_the_schema(db):
    schemas = _schema()
    for name in ("KeyResult", "Objective"):
        properties = schemas[name]["properties"]
        for field in ("progress", "health"):
            assert properties[field]["readOnly"] is True, (name, field)
            assert properties[field]["description"], (name, field)
        blank_allowed = [ref["$ref"].rsplit("/", 1)[1] for ref in properties["health"]["oneOf"]]
        assert {"HealthEnum", "BlankEnum"} <= set(blank_allowed), name  # blank before the first rollup
    assert schemas["KeyResult"]["properties"]["current_value"]["readOnly"] is True
    assert schemas["Objective"]["properties"]["progress"]["nullable"] is True  # nothing to average yet
    for name in (
        "KeyResultRequest",
        "PatchedKeyResultUpdateRequest",
        "ObjectiveRequest",
        "PatchedObjectiveUpdateRequest",
    ):
        assert not {"progress", "health", "current_value"} & set(schemas[name]["properties"]), name


def test_a_client_cannot_write_the_figures(world):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    key_result = f.KeyResultFactory(objective=objective)
    client = world.client("product_manager")
    for url, data in (
        (f"/api/v1/key-results/{key_result.pk}/", {"current_value": "55"}),
        (f"/api/v1/key-results/{key_result.pk}/", {"progress": "0.550000"}),
        (f"/api/v1/objectives/{objective.pk}/", {"health": "on_track"}),
    ):
        response = client.patch(url, data, content_type="application/json")
        assert response.status_code == 400, (url, data)
    errors = client.patch(
        f"/api/v1/key-results/{key_result.pk}/", {"current_value": "55"}, content_type="application/json"
    ).json()["errors"]
    assert "post a check-in" in str(errors["current_value"])
    key_result.refresh_from_db()
    objective.refresh_from_db()
    assert (key_result.current_value, key_result.version, objective.health) == (None, 1, "")


def test_a_key_result_read_back_and_put_back_unchanged_is_accepted(world):
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace), title="NPS 50")
    client = world.client("product_manager")
    data = client.get(f"/api/v1/key-results/{key_result.pk}/").json()
    assert (data["progress"], data["progress_percent"], data["health"]) == ("0.000000", 0, "")
    response = client.put(
        f"/api/v1/key-results/{key_result.pk}/", {**data, "title": "NPS 55"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert KeyResult.objects.get(pk=key_result.pk).title == "NPS 55"


def test_an_objective_created_through_the_api_answers_with_its_figures(world):
    response = world.client("product_manager").post(
        "/api/v1/objectives/",
        {"workspace": world.workspace.pk, "title": "Delight shops", "period": "2027-Q1"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["progress"], response.json()["health"]) == (None, "")
    assert Objective.objects.get().progress is None

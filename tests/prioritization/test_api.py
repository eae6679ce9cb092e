"""The prioritisation endpoints: roles, isolation, shapes, bad input as 400, fixed query counts."""

import re
from decimal import Decimal as D

import pytest
import yaml
from django.test import Client
from django.urls import resolve

from backlog.models import BacklogItem
from jobs.models import Job
from prioritization.models import PrioritySettings, Scenario
from tests import factories as f

from .conftest import rice_inputs

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]
PM = {"admin", "product_manager"}
PO = {"admin", "product_owner"}


def api(product, path=""):
    return f"/api/v1/products/{product.pk}/{path}"


def client_for(world, role) -> Client:
    return world.client(role)  # session auth (force_login), whatever the API's default authentication becomes


def read_endpoints(world):
    scenario = Scenario.objects.create(product=world.product, name="S")
    p = world.product
    return [
        api(p, "ranking/"),
        api(p, "ranking/?framework=wsjf&sort=gap"),
        api(p, "ranking/unscored/"),
        api(p, "matrix/"),
        api(p, "moscow-proposal/?capacity=10"),
        api(p, "prioritization-settings/"),
        api(p, "scenarios/"),
        api(p, f"scenarios/{scenario.pk}/"),
        api(p, "prioritization-snapshots/"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_every_endpoint(world, role):
    client = client_for(world, role)
    for endpoint in read_endpoints(world):
        assert client.get(endpoint).status_code == 200, endpoint


def test_anonymous_is_refused(world):
    for endpoint in read_endpoints(world):
        assert Client().get(endpoint).status_code in (401, 403), endpoint
    assert Client().post(api(world.product, "prioritize/")).status_code in (401, 403)
    assert not Job.objects.exists()


def test_another_workspace_is_not_found(world):
    theirs = world.other_product
    their_item = f.BacklogItemFactory(product=theirs)
    scenario = Scenario.objects.create(product=theirs, name="Theirs")
    client = client_for(world, "admin")
    for endpoint in read_endpoints(world):
        assert (
            client.get(endpoint.replace(f"/products/{world.product.pk}/", f"/products/{theirs.pk}/")).status_code == 404
        )
    assert client.post(api(theirs, "prioritize/")).status_code == 404
    assert client.post(api(theirs, f"scenarios/{scenario.pk}/apply/")).status_code == 404
    assert client.post(api(world.product, f"scenarios/{scenario.pk}/apply/")).status_code == 404
    assert (
        client.patch(
            api(theirs, "prioritization-settings/"), {"capacity": "3"}, content_type="application/json"
        ).status_code
        == 404
    )
    moscow = client.post(
        api(world.product, "moscow-proposal/"),
        {"assignments": {str(their_item.pk): "must"}},
        content_type="application/json",
    )
    assert moscow.status_code == 400  # an id from the request that is not ours is refused
    their_item.refresh_from_db()
    assert their_item.moscow == "" and not Job.objects.exists()
    scenario.refresh_from_db()
    assert scenario.status == "open"


@pytest.mark.parametrize("role", ROLES)
def test_prioritize_returns_202_with_a_job_for_product_managers(world, role, django_capture_on_commit_callbacks):
    item = f.BacklogItemFactory(product=world.product, **rice_inputs())
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world, role).post(api(world.product, "prioritize/"))
    item.refresh_from_db()
    if role in PM:
        assert response.status_code == 202
        job = Job.objects.get(pk=response.json()["job_id"])
        assert response.json()["status_url"] == f"/api/v1/jobs/{job.pk}/"
        assert job.state == "succeeded" and item.rice_score == D("800.00")
    else:
        assert response.status_code == 403
        assert not Job.objects.exists() and item.rice_score is None


@pytest.mark.parametrize("role", ROLES)
def test_moscow_is_applied_by_product_owners(world, role):
    item = f.BacklogItemFactory(product=world.product)
    response = client_for(world, role).post(
        api(world.product, "moscow-proposal/"),
        {"assignments": {str(item.pk): "should"}},
        content_type="application/json",
    )
    item.refresh_from_db()
    if role in PO:
        assert response.status_code == 200 and response.json() == {"changed": 1} and item.moscow == "should"
    else:
        assert response.status_code == 403 and item.moscow == ""


@pytest.mark.parametrize("role", ROLES)
def test_settings_and_scenarios_are_written_by_product_managers(world, role):
    client = client_for(world, role)
    settings = client.patch(
        api(world.product, "prioritization-settings/"), {"must_share_limit": "50"}, content_type="application/json"
    )
    scenario = client.post(api(world.product, "scenarios/"), {"name": "What if"}, content_type="application/json")
    expected = (200, 201) if role in PM else (403, 403)
    assert (settings.status_code, scenario.status_code) == expected
    assert PrioritySettings.objects.filter(must_share_limit=D("50")).exists() == (role in PM)
    assert Scenario.objects.exists() == (role in PM)


def test_bad_input_is_a_400_with_field_errors(world):
    client = client_for(world, "admin")
    item = f.BacklogItemFactory(product=world.product)
    cases = [
        client.get(api(world.product, "ranking/?framework=magic")),
        client.get(api(world.product, "ranking/?release=abc")),
        client.get(api(world.product, "moscow-proposal/?capacity=-1")),
        client.patch(
            api(world.product, "prioritization-settings/"), {"must_share_limit": "150"}, content_type="application/json"
        ),
        client.post(
            api(world.product, "moscow-proposal/"),
            {"assignments": {str(item.pk): "maybe"}},
            content_type="application/json",
        ),
        client.post(
            api(world.product, "moscow-proposal/"), {"assignments": {"x": "must"}}, content_type="application/json"
        ),
        client.post(
            api(world.product, "scenarios/"),
            {"name": "S", "item_inputs": {str(item.pk): {"impact": "7"}}},
            content_type="application/json",
        ),
        client.post(
            api(world.product, "scenarios/"),
            {"name": "S", "item_inputs": {str(item.pk): {"title": "x"}}},
            content_type="application/json",
        ),
        client.post(
            api(world.product, "scenarios/"), {"name": "S", "weights": {"999": "2"}}, content_type="application/json"
        ),
    ]
    for response in cases:
        assert response.status_code == 400, response.content
        assert response.json()["errors"], response.content
    assert not Scenario.objects.exists() and not PrioritySettings.objects.exists()
    item.refresh_from_db()
    assert item.moscow == ""


def test_the_ranking_explains_each_score(world, run):
    first = f.BacklogItemFactory(product=world.product, **rice_inputs(reach=5000))
    f.BacklogItemFactory(product=world.product, **rice_inputs(reach=100))
    f.BacklogItemFactory(product=world.product, reach=1)
    run(world.product)
    body = client_for(world, "viewer").get(api(world.product, "ranking/")).json()
    assert body["framework"] == "rice" and body["count"] == 2
    top = body["results"][0]
    assert (top["id"], top["score"], top["position"], top["gap"]) == (first.pk, "2000.00", 1, 0)
    assert top["formula"] == "5,000 × 2 × 0.8 ÷ 4 = 2000.00"
    assert [f["label"] for f in top["factors"]] == ["Reach", "Impact", "Confidence", "Effort"]
    unscored = client_for(world, "viewer").get(api(world.product, "ranking/unscored/")).json()
    assert unscored["results"][0]["missing"] == ["impact", "confidence", "effort"]


def test_scenario_endpoints_compare_apply_and_discard(world, django_capture_on_commit_callbacks):
    low = f.BacklogItemFactory(product=world.product, **rice_inputs(reach=10), rice_score=D("4"))
    f.BacklogItemFactory(product=world.product, **rice_inputs(reach=20), rice_score=D("8"))
    client = client_for(world, "product_manager")
    created = client.post(
        api(world.product, "scenarios/"),
        {"name": "Bigger", "item_inputs": {str(low.pk): {"reach": 1000}}},
        content_type="application/json",
    ).json()
    assert [(m["id"], m["delta"]) for m in created["moves"]][0] == (low.pk, 1)
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(api(world.product, f"scenarios/{created['id']}/apply/"))
    assert applied.status_code == 202 and Job.objects.filter(pk=applied.json()["job_id"], state="succeeded").exists()
    low.refresh_from_db()
    assert (low.reach, low.rice_score) == (1000, D("400.00"))
    assert client.post(api(world.product, f"scenarios/{created['id']}/discard/")).status_code == 400
    other = client.post(api(world.product, "scenarios/"), {"name": "Drop"}, content_type="application/json").json()
    assert client.post(api(world.product, f"scenarios/{other['id']}/discard/")).json()["status"] == "discarded"


def test_the_matrix_and_moscow_endpoints(world):
    PrioritySettings.objects.create(product=world.product, capacity=D("10"))
    for reach, effort in [(100, "1"), (200, "4"), (300, "1"), (400, "4")]:
        f.BacklogItemFactory(
            product=world.product, reach=reach, impact=D("1"), confidence=100, effort=D(effort), rice_score=D(reach)
        )
    client = client_for(world, "viewer")
    m = client.get(api(world.product, "matrix/")).json()
    assert m["counts"] == {"quick_win": 1, "big_bet": 1, "fill_in": 1, "time_sink": 1}
    assert (m["value_threshold"], m["effort_threshold"]) == ("250.00", "2.50")
    proposal = client.get(api(world.product, "moscow-proposal/")).json()
    assert proposal["capacity"] == "10.00" and proposal["proposed"]["over_must_limit"] is False
    assert {i["proposed"] for i in proposal["items"]} <= {"must", "should", "could", "wont"}


def test_the_ranking_endpoint_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for reach in range(1, 31):
        f.BacklogItemFactory(product=world.product, **rice_inputs(reach=reach), rice_score=D(reach))
    client = client_for(world, "viewer")
    with django_assert_max_num_queries(10):
        body = client.get(api(world.product, "ranking/")).json()
    assert body["count"] == 30 and len(body["results"]) == 30
    assert BacklogItem.objects.count() == 30


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("ranking/?framework=custom", 10),
        ("ranking/unscored/", 9),
        ("matrix/", 12),
        ("moscow-proposal/?capacity=50", 11),  # a page of rows, the sums, the head of the candidates
        ("scenarios/", 8),
        ("prioritization-snapshots/", 8),
    ],
)
def test_list_endpoints_run_a_fixed_number_of_queries(world, scorecard, path, limit, django_assert_max_num_queries):
    from prioritization.models import Snapshot

    from .conftest import set_values

    for n in range(1, 26):
        item = f.BacklogItemFactory(product=world.product, **rice_inputs(reach=n), rice_score=D(n))
        set_values(item, scorecard, [str(n), "1", "1"])
        f.BacklogItemFactory(product=world.product, reach=n)
        Scenario.objects.create(product=world.product, name=f"S{n}", created_by=world.users["admin"])
        Snapshot.objects.create(
            product=world.product,
            framework="rice",
            ranking=[],
            scored_count=0,
            unscored_count=0,
            created_by=world.users["admin"],
        )
    client = client_for(world, "viewer")
    with django_assert_max_num_queries(limit):
        response = client.get(api(world.product, path))
    assert response.status_code == 200


# ---- scenario inputs of one item -------------------------------------------------------------


def inputs_url(product, scenario, item) -> str:
    return api(product, f"scenarios/{scenario.pk}/inputs/{item.pk}/")


@pytest.mark.parametrize("role", ROLES)
def test_product_managers_change_and_drop_one_items_inputs_in_a_scenario(world, role):
    item = f.BacklogItemFactory(product=world.product, **rice_inputs(reach=10))
    other = f.BacklogItemFactory(product=world.product, **rice_inputs(reach=20))
    scenario = Scenario.objects.create(product=world.product, name="S", item_inputs={str(other.pk): {"reach": "5"}})
    client = client_for(world, role)

    changed = client.patch(inputs_url(world.product, scenario, item), {"reach": 5000}, content_type="application/json")
    again = client.patch(inputs_url(world.product, scenario, item), {"effort": "2"}, content_type="application/json")

    scenario.refresh_from_db()
    if role not in PM:
        assert (changed.status_code, again.status_code) == (403, 403)
        assert scenario.item_inputs == {str(other.pk): {"reach": "5"}}
        assert client.delete(inputs_url(world.product, scenario, other)).status_code == 403
        return
    assert (changed.status_code, again.status_code) == (200, 200)
    assert again.json()["item_inputs"][str(item.pk)] == {"reach": "5000", "effort": "2"}  # merged, not replaced
    assert [m["id"] for m in again.json()["moves"]] == [item.pk, other.pk]
    assert client.delete(inputs_url(world.product, scenario, other)).status_code == 204
    scenario.refresh_from_db()
    assert scenario.item_inputs == {str(item.pk): {"reach": "5000", "effort": "2"}}
    item.refresh_from_db()
    assert item.reach == 10  # live data untouched


def test_bad_item_inputs_are_refused_and_change_nothing(world):
    item = f.BacklogItemFactory(product=world.product)
    theirs = f.BacklogItemFactory(product=world.other_product)
    scenario = Scenario.objects.create(product=world.product, name="S")
    applied = Scenario.objects.create(product=world.product, name="Done", status="applied")
    client = client_for(world, "admin")
    cases = [
        client.patch(inputs_url(world.product, scenario, item), {"impact": "7"}, content_type="application/json"),
        client.patch(inputs_url(world.product, scenario, item), {"title": "x"}, content_type="application/json"),
        client.patch(inputs_url(world.product, scenario, item), {}, content_type="application/json"),
        client.patch(inputs_url(world.product, scenario, theirs), {"reach": 1}, content_type="application/json"),
        client.patch(inputs_url(world.product, applied, item), {"reach": 1}, content_type="application/json"),
    ]
    assert [r.status_code for r in cases] == [400] * 5
    assert all(r.json()["errors"] for r in cases)
    their_scenario = Scenario.objects.create(product=world.other_product, name="Theirs")
    assert (
        client.patch(
            inputs_url(world.other_product, their_scenario, theirs), {"reach": 1}, content_type="application/json"
        )
    ).status_code == 404
    assert client.delete(inputs_url(world.other_product, their_scenario, theirs)).status_code == 404
    assert list(Scenario.objects.values_list("item_inputs", flat=True)) == [{}, {}, {}]


# ---- the documented responses are what the endpoints answer -----------------------------------


def _operation(schema: dict, method: str, path: str, status: int) -> dict:
    route = re.sub(r"<int:(\w+)>", r"{\1}", resolve(path.split("?")[0]).route).replace("{pk}", "{id}")
    return schema["paths"]["/" + route][method]["responses"][str(status)]["content"]["application/json"]["schema"]


def _mismatches(schema: dict, value, components: dict, where: str = "$") -> list[str]:
    """Where `value` differs from `schema`: keys missing or undocumented, wrong types, values not in an enum."""
    if "$ref" in schema:
        return _mismatches(components[schema["$ref"].split("/")[-1]], value, components, where)
    if value is None:
        return [] if schema.get("nullable") else [f"{where} is null"]
    if "oneOf" in schema or "anyOf" in schema:
        choices = schema.get("oneOf") or schema["anyOf"]
        return [] if any(not _mismatches(c, value, components, where) for c in choices) else [f"{where}: {value!r}"]
    if "allOf" in schema:
        return [m for part in schema["allOf"] for m in _mismatches(part, value, components, where)]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in {schema['enum']}"]
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        if not isinstance(value, dict) or set(value) != set(schema["properties"]):
            return [f"{where}: keys {sorted(value)} documented as {sorted(schema['properties'])}"]
        return [
            m for k, v in value.items() for m in _mismatches(schema["properties"][k], v, components, f"{where}.{k}")
        ]
    if kind == "object":
        inner = schema.get("additionalProperties", {})
        return [m for k, v in value.items() for m in _mismatches(inner, v, components, f"{where}.{k}")]
    if kind == "array":
        return [m for i, v in enumerate(value) for m in _mismatches(schema["items"], v, components, f"{where}[{i}]")]
    expected = {"string": str, "integer": int, "boolean": bool, "number": (int, float)}.get(kind, object)
    if not isinstance(value, expected) or (kind == "integer" and isinstance(value, bool)):
        return [f"{where}: {value!r} is not a {kind}"]
    return []


def test_every_prioritisation_endpoint_answers_what_its_schema_documents(
    world, scorecard, run, django_capture_on_commit_callbacks
):
    PrioritySettings.objects.create(product=world.product, capacity=D("10"))
    scored = [f.BacklogItemFactory(product=world.product, **rice_inputs(reach=n * 100)) for n in range(1, 5)]
    f.BacklogItemFactory(product=world.product, reach=1)
    run(world.product, actor=world.users["admin"])
    client = client_for(world, "admin")
    p = world.product
    created = client.post(
        api(p, "scenarios/"), {"name": "S", "item_inputs": {str(scored[0].pk): {"reach": 9000}}}, "application/json"
    )
    scenario = Scenario.objects.get()
    calls = [
        ("get", api(p, "ranking/"), None, 200),
        ("get", api(p, "ranking/?framework=wsjf&sort=gap"), None, 200),
        ("get", api(p, "ranking/unscored/"), None, 200),
        ("get", api(p, "matrix/"), None, 200),
        ("get", api(p, "moscow-proposal/"), None, 200),
        ("post", api(p, "moscow-proposal/"), {"assignments": {str(scored[0].pk): "must"}}, 200),
        ("get", api(p, "prioritization-settings/"), None, 200),
        ("patch", api(p, "prioritization-settings/"), {"must_share_limit": "50"}, 200),
        ("patch", api(p, "prioritization-settings/"), {"must_share_limit": "50"}, 200),  # no change: job is null
        ("get", api(p, "scenarios/"), None, 200),
        ("get", api(p, f"scenarios/{scenario.pk}/"), None, 200),
        ("patch", api(p, f"scenarios/{scenario.pk}/"), {"name": "T"}, 200),
        ("patch", api(p, f"scenarios/{scenario.pk}/inputs/{scored[1].pk}/"), {"effort": "1"}, 200),
        ("get", api(p, "prioritization-snapshots/"), None, 200),
        ("post", api(p, "prioritize/"), None, 202),
        ("post", api(p, f"scenarios/{scenario.pk}/apply/"), None, 202),
    ]
    schema = yaml.safe_load(Client().get("/api/schema/").content)
    components = schema["components"]["schemas"]
    answers = [("post", api(p, "scenarios/"), created.status_code, created.json())]
    for method, path, body, status in calls:
        response = getattr(client, method)(path, body, "application/json") if body else getattr(client, method)(path)
        assert response.status_code == status, (path, response.content)
        answers.append((method, path, status, response.json()))
    with django_capture_on_commit_callbacks(execute=True):  # the apply job runs, so it can be undone
        response = client.post(api(p, "ranking/apply/"), {"framework": "wsjf"}, "application/json")
    assert response.status_code == 202
    answers.append(("post", api(p, "ranking/apply/"), 202, response.json()))
    undo = api(p, f"ranking/apply/{response.json()['job_id']}/undo/")
    response = client.post(undo)
    assert response.status_code == 202, response.content
    answers.append(("post", undo, 202, response.json()))
    discard = client.post(api(p, "scenarios/"), {"name": "D"}, "application/json").json()
    response = client.post(api(p, f"scenarios/{discard['id']}/discard/"))
    answers.append(("post", api(p, f"scenarios/{discard['id']}/discard/"), response.status_code, response.json()))

    for method, path, status, body in answers:
        assert _mismatches(_operation(schema, method, path, status), body, components) == [], (method, path)
    got = {(method, path): body for method, path, _, body in answers}
    ranking = got["get", api(p, "ranking/")]
    assert ranking["results"][0]["factors"] and ranking["snapshot_id"] is not None  # nested rows were checked too
    assert got["get", api(p, "matrix/")]["points"] and got["get", api(p, "moscow-proposal/")]["current"]
    assert got["get", api(p, f"scenarios/{scenario.pk}/")]["moves"]
    assert got["get", api(p, "prioritization-snapshots/")]["results"][0]["created_by"] == world.users["admin"].username

"""The prioritisation endpoints: roles, isolation, shapes, bad input as 400, fixed query counts."""

from decimal import Decimal as D

import pytest
from django.test import Client

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
        ("moscow-proposal/?capacity=50", 9),
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

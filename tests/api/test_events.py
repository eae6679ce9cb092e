"""Services announce domain events after commit, from the API and from the pages alike."""

import pytest
from django.urls import reverse

from core import events
from tests import factories as f


@pytest.fixture
def heard(django_capture_on_commit_callbacks):
    log: list[tuple[str, int, dict]] = []

    def record(*, event, workspace_id, data):
        log.append((event, workspace_id, data))

    events.subscribe(record)
    yield log
    events._subscribers.remove(record)


def test_item_events_from_the_api(world, api, heard, django_capture_on_commit_callbacks):
    po = api("product_owner")
    with django_capture_on_commit_callbacks(execute=True):
        a = po.post("/api/v1/items/", {"product": world.product.pk, "title": "A"}, format="json").json()
        b = po.post("/api/v1/items/", {"product": world.product.pk, "title": "B"}, format="json").json()
        po.patch(f"/api/v1/items/{a['id']}/", {"status": "ready"}, format="json")
        po.post(f"/api/v1/items/{b['id']}/move/", {"position": "top"}, format="json")
        po.delete(f"/api/v1/items/{a['id']}/")

    assert [(e, w) for e, w, _ in heard] == [
        ("item.created", world.workspace.pk),
        ("item.created", world.workspace.pk),
        ("item.updated", world.workspace.pk),
        ("item.moved", world.workspace.pk),
        ("item.deleted", world.workspace.pk),
    ]
    assert heard[2][2]["changed"] == ["status"]
    assert heard[4][2]["id"] == a["id"]


def test_nothing_is_announced_when_the_write_fails(world, api, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api("viewer").post("/api/v1/items/", {"product": world.product.pk, "title": "A"}, format="json")
        api("admin").post("/api/v1/items/", {"product": world.product.pk, "title": ""}, format="json")
    assert heard == []


def test_initiative_and_objective_events_from_the_pages(world, heard, django_capture_on_commit_callbacks):
    client = world.client("product_manager")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("roadmap:initiative_create", kwargs={"product_id": world.product.pk}),
            {"title": "One-click pay", "horizon": "now", "status": "proposed"},
        )
        client.post(
            reverse("okrs:objective_create", kwargs={"workspace_id": world.workspace.pk}),
            {"title": "Delight shops", "period": "2027-Q1"},
        )

    assert [e for e, _, _ in heard] == ["initiative.created", "objective.created"]


def test_initiative_objective_and_check_in_events_from_the_api(world, api, heard, django_capture_on_commit_callbacks):
    pm = api("product_manager")
    with django_capture_on_commit_callbacks(execute=True):
        i = pm.post("/api/v1/initiatives/", {"product": world.product.pk, "title": "I"}, format="json").json()
        pm.patch(f"/api/v1/initiatives/{i['id']}/", {"horizon": "now"}, format="json")
        pm.delete(f"/api/v1/initiatives/{i['id']}/")
        o = pm.post(
            "/api/v1/objectives/", {"workspace": world.workspace.pk, "title": "O", "period": "2027"}, format="json"
        ).json()
        pm.patch(f"/api/v1/objectives/{o['id']}/", {"title": "O2"}, format="json")
        kr = f.KeyResultFactory(objective_id=o["id"])
        response = pm.post(f"/api/v1/key-results/{kr.pk}/check-in/", {"value": "40", "confidence": 70}, format="json")
        pm.delete(f"/api/v1/objectives/{o['id']}/")

    assert response.status_code == 201 and response.json()["current_value"] == "40.0000"
    assert [e for e, _, _ in heard] == [
        "initiative.created",
        "initiative.updated",
        "initiative.deleted",
        "objective.created",
        "objective.updated",
        "key_result.checked_in",
        "objective.deleted",
    ]

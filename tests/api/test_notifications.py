"""/api/v1/notifications/ and /api/v1/watches/: the caller's own rows only, in their workspaces only."""

import pytest

from backlog.models import BacklogItem
from backlog.services.items import item_create, item_update
from notifications.models import Notification, Watch
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes(world):
    """20 changes to an item the viewer watches, and one in the other workspace for the outsider."""
    admin, viewer = world.users["admin"], world.users["viewer"]
    item = item_create(instance=BacklogItem(product=world.product, title="T0"), actor=admin)
    Watch.objects.create(workspace=world.workspace, user=viewer, target_type="item", target_id=item.pk)
    for n in range(1, 21):
        item = item_update(item=BacklogItem.objects.get(pk=item.pk), data={"title": f"T{n}"}, actor=admin)
    rival = item_create(instance=BacklogItem(product=world.other_product, title="Rival"), actor=world.outsider)
    item_update(item=rival, data={"title": "Rival 2"}, actor=None)
    return item


def test_the_list_holds_only_the_callers_own_notifications(api, world, changes, django_assert_max_num_queries):
    client = api("viewer")
    client.get("/api/v1/notifications/")  # the token's first use
    with django_assert_max_num_queries(4):  # token, last use, count, page
        body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 20
    assert {r["title"] for r in body["results"]} == {f"T{n}" for n in range(1, 21)}
    assert {r["workspace"] for r in body["results"]} == {world.workspace.pk}
    theirs = api("outsider").get("/api/v1/notifications/").json()["results"]
    assert [(r["title"], r["workspace"]) for r in theirs] == [("Rival 2", world.other_workspace.pk)]
    assert api("admin").get("/api/v1/notifications/").json()["count"] == 0


def test_read_one_then_all(api, world, changes):
    client = api("viewer")
    first = client.get("/api/v1/notifications/?unread=true").json()["results"][0]
    marked = client.post("/api/v1/notifications/read-all/", {"ids": [first["id"]]}, format="json").json()
    assert marked == {"marked": 1, "unread": 19}
    assert client.get(f"/api/v1/notifications/{first['id']}/").json()["read"] is True
    other = api("executive")
    assert other.post("/api/v1/notifications/read-all/", {"ids": [first["id"]]}, format="json").json()["marked"] == 0
    assert other.get(f"/api/v1/notifications/{first['id']}/").status_code == 404
    assert client.post("/api/v1/notifications/read-all/", {}, format="json").json() == {"marked": 19, "unread": 0}
    assert client.post("/api/v1/notifications/read-all/", {"ids": "x"}, format="json").status_code == 400
    assert client.post("/api/v1/notifications/read-all/", {"nope": 1}, format="json").status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_any_member_watches_and_unwatches(api, world, role):
    item = item_create(instance=BacklogItem(product=world.product, title="W"), actor=None)
    client = api(role)
    response = client.post("/api/v1/watches/", {"target_type": "item", "target_id": item.pk}, format="json")
    assert response.status_code == 201
    watch_id = response.json()["id"]
    assert [w["target_id"] for w in client.get("/api/v1/watches/").json()["results"]] == [item.pk]
    assert api("outsider").delete(f"/api/v1/watches/{watch_id}/").status_code == 404
    assert client.delete(f"/api/v1/watches/{watch_id}/").status_code == 204
    assert not Watch.objects.filter(user=world.users[role]).exists()


def test_watching_another_workspaces_object_is_not_found(api, world):
    item = item_create(instance=BacklogItem(product=world.product, title="W"), actor=None)
    response = api("outsider").post("/api/v1/watches/", {"target_type": "item", "target_id": item.pk}, format="json")
    assert response.status_code == 404
    assert (
        api("outsider").post("/api/v1/watches/", {"target_type": "sprint", "target_id": 1}, format="json").status_code
        == 400
    )
    assert not Watch.objects.filter(user=world.outsider).exists()


def test_preferences(api):
    client = api("viewer")
    assert client.get("/api/v1/notifications/preferences/").json() == {"immediate": True, "digest": True}
    response = client.put("/api/v1/notifications/preferences/", {"immediate": False, "digest": True}, format="json")
    assert response.json() == {"immediate": False, "digest": True}
    assert (
        client.put("/api/v1/notifications/preferences/", {"immediate": "no", "digest": True}, format="json").status_code
        == 400
    )


def test_anonymous_gets_401(api):
    assert api(None).get("/api/v1/notifications/").status_code == 401
    assert Notification.objects.count() == 0

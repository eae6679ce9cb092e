"""An item's detail (and the answer to a write of it) is one hand-written statement rendered by orjson
(backlog.selectors.api_items.item_row_for_user): it must give exactly what ItemSerializer gives, and
nothing of another workspace."""

from decimal import Decimal

import orjson
import pytest
from rest_framework.test import APIRequestFactory

from backlog.apis import ItemViewSet
from backlog.models import BacklogItem
from backlog.serializers import ItemSerializer
from backlog.services.items import item_create
from core.renderers import dumps
from tests import factories as f


@pytest.fixture
def po(api):
    return api("product_owner")


@pytest.fixture
def rich(world):
    """An item with every kind of value (relations, decimals, custom fields, labels, criteria, long
    texts) and a bare one (nulls, empty lists)."""
    admin = world.users["admin"]
    epic = item_create(instance=BacklogItem(product=world.product, kind="epic", title="Checkout"), actor=admin)
    item = item_create(
        instance=BacklogItem(
            product=world.product,
            title="Pay by link «fast»",
            description="Line one\nline two — ünïcode",
            kind="story",
            parent=epic,
            initiative=f.InitiativeFactory(product=world.product),
            release=f.ReleaseFactory(product=world.product),
            sprint=f.SprintFactory(product=world.product),
            owner=world.users["product_owner"],
            story_points=5,
            reach=1200,
            impact=Decimal("0.5"),
            confidence=80,
            effort=Decimal("2.5"),
            moscow="must",
            business_value=8,
            time_criticality=3,
            risk_reduction=2,
            job_size=5,
            as_a="shopper",
            i_want="to pay by link",
            so_that="I pay from my phone",
        ),
        actor=admin,
        labels=["web", "Payments", "ios"],
    )
    # Stored values as they are (their definitions' checks are the services' business, tested elsewhere).
    custom = {"tier": "Pro", "deal": 12.5, "due": "2027-01-31", "none": None, "tags": ["a", "b"], "n": 3}
    BacklogItem.objects.filter(pk=item.pk).update(custom_fields=custom)
    f.CriterionFactory(item=item, text="Given a link, then it pays", met=True)
    f.CriterionFactory(item=item, text="Given an expired link, then it says so")
    bare = item_create(instance=BacklogItem(product=world.product, title="Bare"), actor=admin)
    return [item, bare, epic]


def _serialized(item_id: int, user) -> dict:
    """What ItemSerializer renders for the item, read the way the ORM detail reads it."""
    view = ItemViewSet(action="retrieve", request=APIRequestFactory().get("/"), format_kwarg=None)
    view.request.user = user
    obj = view.base_queryset().get(pk=item_id)
    return orjson.loads(dumps(ItemSerializer(obj, context={"request": view.request}).data))


def test_the_detail_gives_what_the_serializer_gives(postgres, world, po, rich):
    for item in rich:
        response = po.get(f"/api/v1/items/{item.pk}/")

        assert response.status_code == 200
        assert response.json() == _serialized(item.pk, world.users["product_owner"])
        assert response["ETag"] == f'"{BacklogItem.objects.get(pk=item.pk).version}"'
    shown = po.get(f"/api/v1/items/{rich[0].pk}/").json()
    assert shown["labels"] == ["ios", "Payments", "web"]
    assert [c["text"] for c in shown["acceptance_criteria"]] == [
        "Given a link, then it pays",
        "Given an expired link, then it says so",
    ]
    assert shown["custom_fields"]["none"] is None and shown["impact"] == "0.50"
    bare = po.get(f"/api/v1/items/{rich[1].pk}/").json()
    assert bare["labels"] == [] and bare["acceptance_criteria"] == [] and bare["owner"] is None


def test_the_answer_to_a_write_gives_what_the_serializer_gives(postgres, world, po, rich):
    item = rich[0]

    patched = po.patch(f"/api/v1/items/{item.pk}/", {"title": "Renamed"}, format="json")
    assert patched.status_code == 200
    assert patched.json() == _serialized(item.pk, world.users["product_owner"])
    assert patched.json()["title"] == "Renamed" and patched["ETag"] == f'"{patched.json()["version"]}"'

    moved = po.post(f"/api/v1/items/{item.pk}/move/", {"before": rich[2].pk}, format="json")
    assert moved.status_code == 200
    assert moved.json() == _serialized(item.pk, world.users["product_owner"])


def test_an_item_of_another_workspace_or_no_id_is_404(postgres, world, po, rich):
    theirs = f.BacklogItemFactory(product=world.other_product, title="Theirs")

    for path in (theirs.pk, "12abc", 10**19, 0):
        response = po.get(f"/api/v1/items/{path}/")
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found.", "errors": {}}
    assert po.get("/api/v1/items/1.5/").status_code == 404  # the router's: ids have no dot
    assert po.patch(f"/api/v1/items/{theirs.pk}/", {"title": "Mine"}, format="json").status_code == 404
    assert po.post(f"/api/v1/items/{theirs.pk}/move/", {"position": "top"}, format="json").status_code == 404
    assert po.delete(f"/api/v1/items/{theirs.pk}/").status_code == 404
    assert BacklogItem.objects.get(pk=theirs.pk).title == "Theirs"


def test_a_write_weighs_the_callers_role_in_the_items_workspace(postgres, world, api, rich):
    """The item, its product and the caller's role are read by one statement (item_for_write)."""
    item = rich[0]
    viewer = api("viewer")

    assert viewer.get(f"/api/v1/items/{item.pk}/").status_code == 200
    assert viewer.patch(f"/api/v1/items/{item.pk}/", {"title": "Viewer's"}, format="json").status_code == 403
    assert viewer.post(f"/api/v1/items/{item.pk}/move/", {"position": "top"}, format="json").status_code == 403
    assert viewer.delete(f"/api/v1/items/{item.pk}/").status_code == 403
    item.refresh_from_db()
    assert item.title == "Pay by link «fast»"
    version = item.version
    stale = api("admin").patch(
        f"/api/v1/items/{item.pk}/", {"title": "Late"}, format="json", HTTP_IF_MATCH=f'"{version - 1}"'
    )
    assert stale.status_code == 412 and stale.json()["current"]["title"] == "Pay by link «fast»"
    assert api("admin").delete(f"/api/v1/items/{rich[1].pk}/").status_code == 204


@pytest.mark.parametrize("ordering", ["rank", "-rice_score", "created_at"])
def test_plain_pages_give_what_the_serializer_gives(postgres, world, po, rich, ordering):
    """The list's pages read the rows' labels in one join after the page: each row as the serializer
    renders it, labels included, in the order and pages of the ORM path."""
    for n in range(3):
        item_create(instance=BacklogItem(product=world.product, title=f"n{n}"), actor=world.users["admin"])

    def pages(extra: dict) -> list[dict]:
        listed, url = [], "/api/v1/items/"
        params = {"product": world.product.pk, "page_size": 2, "ordering": ordering} | extra
        while url:
            body = po.get(url, params).json()
            listed += body["results"]
            url, params = body["next"], None
        return listed

    plain = pages({})
    assert plain == pages({"search": ""})  # any other parameter takes the ORM path
    assert len(plain) == len(rich) + 3
    assert plain == [_serialized(row["id"], world.users["product_owner"]) for row in plain]
    assert next(row for row in plain if row["id"] == rich[0].pk)["labels"] == ["ios", "Payments", "web"]

"""Plain pages of the items list (no filter but ?product=) are served by one hand-written statement:
they must page exactly like the ORM path (which every other request takes) and stay scoped."""

import gc
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backlog.apis import ItemViewSet
from backlog.models import BacklogItem
from tests import factories as f


@pytest.fixture
def po(api):
    return api("product_owner")


@pytest.fixture
def backlog(world):
    """Two products of ours with score ties, unscored items and time ties; one item elsewhere."""
    second = f.ProductFactory(workspace=world.workspace, name="Second", key="SEC")
    scores = [Decimal("5"), None, Decimal("5"), Decimal("1.5"), None, Decimal("9"), Decimal("5")]
    items = []
    for n, score in enumerate(scores):
        product = world.product if n % 3 else second
        items.append(f.BacklogItemFactory(product=product, title=f"i{n}", rice_score=score, wsjf_score=score))
    f.CriterionFactory(item=items[2], text="first")
    f.CriterionFactory(item=items[2], text="second")
    same = datetime(2027, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
    BacklogItem.objects.filter(pk__in=[items[1].pk, items[4].pk, items[5].pk]).update(created_at=same)
    f.BacklogItemFactory(product=world.other_product, title="theirs", rice_score=Decimal("7"))
    return second


def _pages(client, params: dict) -> list[list[dict]]:
    pages, url = [], "/api/v1/items/"
    while url:
        response = client.get(url, params)
        assert response.status_code == 200
        body = response.json()
        pages.append(body["results"])
        url, params = body["next"], None
    return pages


@pytest.mark.parametrize("ordering", ItemViewSet.keyset_orderings)
def test_plain_pages_page_like_the_orm_path(world, po, backlog, ordering):
    for product in (None, world.product.pk, backlog.pk):
        params = {"ordering": ordering, "page_size": 2} | ({"product": product} if product else {})
        plain = _pages(po, params)
        orm = _pages(po, params | {"search": ""})  # any other parameter takes the ORM path

        assert plain == orm
        titles = [row["title"] for page in plain for row in page]
        assert "theirs" not in titles
        assert len(titles) == len(set(titles)) == (7 if product is None else 4 if product == world.product.pk else 3)


def test_a_plain_page_shows_what_the_detail_shows(world, po, backlog):
    listed = [row for page in _pages(po, {"product": world.product.pk}) for row in page]

    assert listed == [po.get(f"/api/v1/items/{row['id']}/").json() for row in listed]
    assert [c["text"] for c in listed[0]["acceptance_criteria"]] == []
    assert [c["text"] for row in listed for c in row["acceptance_criteria"]] == ["first", "second"]


def test_plain_pages_of_another_workspace_show_nothing_of_ours(world, api, backlog):
    outsider = api("outsider")

    assert [row["title"] for page in _pages(outsider, {}) for row in page] == ["theirs"]
    assert outsider.get("/api/v1/items/", {"product": world.product.pk}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [{"page_size": "0"}, {"cursor": "garbage"}, {"ordering": "title"}, {"product": "x"}, {"product": "١"}],
)
def test_bad_plain_page_parameters_are_400_and_leave_the_collector_on(postgres, world, po, params):
    assert po.get("/api/v1/items/", params).status_code == 400
    assert gc.isenabled()
    assert po.get("/api/v1/items/").status_code == 200
    assert gc.isenabled()

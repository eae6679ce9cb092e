"""The ranked order's positions and gap order come from figures computed once per version, in chunks:
they must be exactly what numbering the whole list on each request gives, within the filters, on every
page (pages that span two chunks too), follow a write at once, and never show another workspace's rows."""

from decimal import Decimal as D

import pytest

from backlog.models import BacklogItem
from backlog.services.items import item_move
from prioritization import selectors
from prioritization.selectors import ranking
from tests import factories as f

from .conftest import rice_inputs


def api(product, path=""):
    return f"/api/v1/products/{product.pk}/{path}"


def _expected(product, sort, **filters):
    """The order and positions from the window functions over the whole list (the reference)."""
    from django.db.models import F
    from django.db.models.functions import Abs

    items = selectors.items_for_ranking(product=product).filter(**filters)
    ranked = selectors.ranked(items=items, framework="rice")
    if sort == "gap":
        ranked = ranked.order_by(Abs(F("manual_position") - F("score_position")).desc(), "score_position")
    return [(i.pk, i.score_position, i.manual_position - i.score_position) for i in ranked]


def _api_rows(client, product, sort, page_size, extra=""):
    rows, url = [], api(product, f"ranking/?sort={sort}&page_size={page_size}{extra}")
    while url:
        body = client.get(url).json()
        rows += [(r["id"], r["position"], r["gap"]) for r in body["results"]]
        url = body["next"]
    return rows, body["count"]


@pytest.fixture
def items(world, monkeypatch):
    monkeypatch.setattr(ranking, "GAP_CHUNK", 5)  # pages of 4 then span chunks
    made = []
    for n in range(13):
        reach = (n * 7919) % 1000 + 1  # scores out of the manual order
        kind = "bug" if n % 3 == 0 else "story"
        made.append(f.BacklogItemFactory(product=world.product, kind=kind, rice_score=D(reach), **rice_inputs()))
    f.BacklogItemFactory(product=world.product, reach=5)  # unscored: not ranked
    f.BacklogItemFactory(product=world.other_product, rice_score=D("99999"), **rice_inputs())
    return made


@pytest.mark.parametrize("sort", ["score", "gap"])
def test_every_page_shows_the_positions_of_the_whole_list(world, items, sort):
    rows, count = _api_rows(world.client("viewer"), world.product, sort, 4)
    assert count == 13 and rows == _expected(world.product, sort)
    bugs, count = _api_rows(world.client("viewer"), world.product, sort, 4, "&kind=bug")
    assert count == 5 and bugs == _expected(world.product, sort, kind="bug")  # positions within the filter


def test_the_gap_order_follows_a_move_at_once(world, items):
    client = world.client("viewer")
    before, _ = _api_rows(client, world.product, "gap", 4)
    last = BacklogItem.objects.filter(product=world.product, rice_score__isnull=False).order_by("rank").last()
    item_move(item=last, actor=world.users["admin"], position="top")
    after, _ = _api_rows(client, world.product, "gap", 4)
    assert after == _expected(world.product, "gap") and after != before


def test_the_ranked_view_pages_by_gap_like_the_api(world, items):
    rows = world.client("viewer").get(f"/products/{world.product.pk}/priorities/?sort=gap").context["rows"]
    shown = [(r.item.pk, r.score_position, r.gap) for r in rows]
    assert shown == _expected(world.product, "gap")  # one page of 50, across three chunks


def test_another_workspace_never_appears(world, items):
    for sort in ("score", "gap"):
        rows, _ = _api_rows(world.client("outsider"), world.other_product, sort, 4)
        assert len(rows) == 1
        assert world.client("outsider").get(api(world.product, f"ranking/?sort={sort}")).status_code == 404

"""The product owner's manual order: anchors in, one row written, rebalanced when a gap runs out."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog.models import RANK_GAP, BacklogItem
from backlog.services import items as item_services
from core.exceptions import ApplicationError
from tests import factories as f


def titles(product) -> list[str]:
    return list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("title", flat=True))


@pytest.fixture
def backlog(db):
    product = f.ProductFactory(key="PAY")
    items = {t: item_services.item_create(instance=BacklogItem(product=product, title=t), actor=None) for t in "ABCD"}
    return product, items


def test_new_items_go_to_the_bottom_with_the_next_number(backlog):
    product, items = backlog
    assert titles(product) == ["A", "B", "C", "D"]
    assert [items[t].key for t in "ABCD"] == ["PAY-1", "PAY-2", "PAY-3", "PAY-4"]
    assert [items[t].rank for t in "AB"] == [RANK_GAP, 2 * RANK_GAP]


@pytest.mark.parametrize(
    "move,expected",
    [
        ({"item": "D", "before": "A"}, ["D", "A", "B", "C"]),
        ({"item": "A", "after": "C"}, ["B", "C", "A", "D"]),
        ({"item": "C", "position": "top"}, ["C", "A", "B", "D"]),
        ({"item": "A", "position": "bottom"}, ["B", "C", "D", "A"]),
        ({"item": "B", "before": "C"}, ["A", "B", "C", "D"]),
    ],
)
def test_moves(backlog, move, expected):
    product, items = backlog
    anchors = {k: (items[v].pk if k in ("before", "after") else v) for k, v in move.items() if k != "item"}
    item_services.item_move(item=items[move["item"]], actor=None, **anchors)
    assert titles(product) == expected


def test_a_move_writes_only_the_moved_row(backlog):
    product, items = backlog
    with CaptureQueriesContext(connection) as queries:
        item_services.item_move(item=items["D"], before=items["B"].pk, actor=None)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1 and f'"id" = {items["D"].pk}' in writes[0]
    assert titles(product) == ["A", "D", "B", "C"]


def test_an_exhausted_gap_rebalances_the_backlog(backlog):
    product, items = backlog
    # Keep inserting between A and the item after it until the integers between them run out.
    for _ in range(12):
        item_services.item_move(item=items["D"], after=items["A"].pk, actor=None)
        item_services.item_move(item=items["C"], after=items["A"].pk, actor=None)
    ranks = list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("rank", flat=True))
    assert len(set(ranks)) == 4
    assert titles(product)[0] == "A"
    assert all(b - a >= 2 for a, b in zip(ranks, ranks[1:], strict=False))


def test_rebalance_spreads_ranks_in_one_statement(backlog):
    product, items = backlog
    BacklogItem.objects.filter(pk=items["B"].pk).update(rank=RANK_GAP + 1)
    with CaptureQueriesContext(connection) as queries:
        item_services.ranks_rebalance(product_id=product.pk)
    assert len(queries.captured_queries) == 1
    ranks = list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("rank", flat=True))
    assert ranks == [RANK_GAP, 2 * RANK_GAP, 3 * RANK_GAP, 4 * RANK_GAP]
    assert titles(product) == ["A", "B", "C", "D"]


def test_anchors_from_another_backlog_are_refused(backlog):
    product, items = backlog
    stranger = f.BacklogItemFactory()
    with pytest.raises(ValidationError) as raised:
        item_services.item_move(item=items["A"], before=stranger.pk, actor=None)
    assert "before" in raised.value.message_dict
    with pytest.raises(ApplicationError):
        item_services.item_move(item=items["A"], actor=None)
    with pytest.raises(ValidationError):
        item_services.item_move(item=items["A"], after=items["A"].pk, actor=None)
    assert titles(product) == ["A", "B", "C", "D"]

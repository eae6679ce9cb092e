"""Grouped backlog pages read group by group (core/keyset_groups.py, backlog/selectors/view_groups.py):
walked forward and backward they give the rows of a plain Python twin of the order, page for page
what keyset_page_by (the whole-product sort they replace) gives, in a number of queries that does
not grow with the number of groups, and each read is an index scan."""

import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog.models import BacklogItem, ItemStatus, MoSCoW
from backlog.selectors import view_order
from backlog.selectors.view_groups import view_groups
from core.keyset import keyset_page, keyset_page_by
from core.keyset_groups import keyset_page_grouped
from tests import factories as f

GROUPS = ["status", "moscow", "sprint", "initiative", "owner"]
SORTS = ["rank", "-rice_score", "rice_score", "-created_at", "updated_at", "-wsjf_score", "-customer_impact"]
SIZE = 3
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _asc(value):
    return (value is None, 0 if value is None else value)


def _desc(value):
    if value is None:
        return (True, 0)
    return (False, -value.timestamp() if isinstance(value, datetime) else -value)


def _group_key(item, group_by: str) -> tuple:
    if group_by in ("status", "moscow"):
        values = ItemStatus.values if group_by == "status" else MoSCoW.values
        value = getattr(item, group_by)
        return (values.index(value) if value in values else len(values),)
    related = {"sprint": "start_date", "initiative": "title", "owner": "username"}[group_by]
    other = getattr(item, group_by)
    return (_asc(getattr(other, related) if other else None), _asc(getattr(item, f"{group_by}_id")))


def twin(items, group_by: str, ordering: str) -> list[int]:
    """The documented order in Python: the group (empty last), the sort (NULLs last), the id."""
    name = ordering.lstrip("-")
    sort = _desc if ordering.startswith("-") else _asc
    return [i.pk for i in sorted(items, key=lambda i: (*_group_key(i, group_by), sort(getattr(i, name)), i.pk))]


def make_backlog(world, seed: int):
    rng = random.Random(seed)
    product = world.product
    day = date(2026, 3, 2)
    sprints = [f.SprintFactory(product=product, start_date=day + timedelta(days=d)) for d in (14, 0, 0)]
    initiatives = [f.InitiativeFactory(product=product, title=t) for t in ("beta", "alpha", "alpha")]
    users = [f.UserFactory(username=u) for u in ("zed", "amy", "bob")]
    elsewhere = [f.ProductFactory(workspace=world.workspace, key="OTH"), world.other_product]
    other_sprint = f.SprintFactory(product=elsewhere[1])
    for n in range(6):  # rows of other products, in every group: they must never appear
        f.BacklogItemFactory(product=elsewhere[n % 2], sprint=other_sprint if n % 2 else None, owner=users[0])
    ranks = rng.sample(range(1, 10_000), 16)
    for n in range(rng.randint(0, 16)):
        f.BacklogItemFactory(
            product=product,
            rank=ranks[n],
            status=rng.choice([*ItemStatus.values, "legacy"]),  # "legacy": a value outside the choices
            moscow=rng.choice([*MoSCoW.values, ""]),
            sprint=rng.choice([*sprints, None]),
            initiative=rng.choice([*initiatives, None]),
            owner=rng.choice([*users, None]),
            rice_score=rng.choice([None, Decimal("1.00"), Decimal("2.50"), Decimal("2.50")]),
            wsjf_score=rng.choice([None, Decimal("3.00")]),
            customer_impact=rng.choice([Decimal("0.00"), Decimal("4.00")]),
        )
    for item in BacklogItem.objects.filter(product=product):  # ties and spreads of the dates
        BacklogItem.objects.filter(pk=item.pk).update(
            created_at=T0 + timedelta(hours=rng.randint(0, 2)), updated_at=T0 + timedelta(hours=rng.randint(0, 3))
        )
    return list(BacklogItem.objects.filter(product=product).select_related("sprint", "initiative", "owner"))


def pages(group_by: str, ordering: str, qs, product_id: int, params: dict):
    """The page of the group-by-group walk and, for comparison, keyset_page_by's."""
    group, sort = view_order.group_keys(group_by), view_order.sort_keys(ordering)
    walked = keyset_page_grouped(
        qs, groups=view_groups(group_by, product_id), group_keys=group, sort=sort, ordering=ordering,
        size=SIZE, params=params,
    )  # fmt: skip
    sorted_ = keyset_page_by(qs, keys=[*group, *sort], ordering=ordering, size=SIZE, params=params)
    return walked, sorted_


def _shape(page) -> tuple:
    def pk(row):
        return None if row is None else row.pk

    return (
        [row.pk for row in page.object_list],
        pk(page.previous_row),
        pk(page.next_row),
        page.next_cursor,
        page.previous_cursor,
        page.count,
    )


def walk(group_by, ordering, qs, product_id, start: dict, step: str, cursor: str) -> list[int]:
    found, params = [], start
    for _ in range(20):
        page, reference = pages(group_by, ordering, qs, product_id, params)
        assert _shape(page) == _shape(reference), params
        ids = [row.pk for row in page.object_list]
        found = found + ids if step == "after" else ids + found
        if getattr(page, cursor) is None:
            return found
        params = {step: getattr(page, cursor)}
    raise AssertionError("the walk does not end")


@pytest.mark.parametrize("seed", range(3))
def test_grouped_pages_walk_the_twin_order(world, postgres, seed):
    items = make_backlog(world, seed)
    product_id = world.product.pk
    rng = random.Random(seed)
    for group_by in GROUPS:
        filtered = rng.choice(ItemStatus.values)
        cases = [(o, BacklogItem.objects.filter(product_id=product_id), items) for o in SORTS]
        cases.append(("rank", BacklogItem.objects.filter(product_id=product_id, status=filtered),
                      [i for i in items if i.status == filtered]))  # fmt: skip
        for ordering, qs, rows in cases:
            expected = twin(rows, group_by, ordering)
            assert walk(group_by, ordering, qs, product_id, {}, "after", "next_cursor") == expected
            assert walk(group_by, ordering, qs, product_id, {"page": "last"}, "before", "previous_cursor") == expected
            for pk in rng.sample(expected, min(2, len(expected))):  # the jump to an item (?goto=)
                page, reference = pages(group_by, ordering, qs, product_id, {"from": str(pk)})
                assert _shape(page) == _shape(reference)
                start = expected.index(pk)
                assert [row.pk for row in page.object_list] == expected[start : start + SIZE]


def test_a_cursor_whose_group_is_gone_pages_as_before(world, postgres):
    make_backlog(world, 7)
    sprint = f.SprintFactory(product=world.product, start_date=date(2026, 1, 5))
    for _ in range(2 * SIZE):
        f.BacklogItemFactory(product=world.product, sprint=sprint)
    qs = BacklogItem.objects.filter(product_id=world.product.pk)
    first, _ = pages("sprint", "rank", qs, world.product.pk, {})
    cursor = first.next_cursor or first.previous_cursor
    BacklogItem.objects.filter(sprint=sprint).update(sprint=None)
    sprint.delete()
    for params in ({"after": cursor}, {"before": cursor}):
        page, reference = pages("sprint", "rank", qs, world.product.pk, params)
        assert _shape(page) == _shape(reference)


def _queries(product, group_by: str, params: dict) -> int:
    qs = BacklogItem.objects.filter(product=product)
    with CaptureQueriesContext(connection) as queries:
        groups = view_groups(group_by, product.pk)
        keyset_page_grouped(
            qs, groups=groups, group_keys=view_order.group_keys(group_by), sort=view_order.sort_keys("rank"),
            ordering="rank", size=SIZE, params=params,
        )  # fmt: skip
    return len(queries)


def test_query_count_does_not_grow_with_the_groups(world, postgres):
    """A page inside one group: the groups (1), its rows (1), the row before it (1), the count (1).
    A page that spans k groups reads k times; an empty group between them is one more read."""
    product = world.product
    first = f.SprintFactory(product=product, start_date=date(2026, 1, 5))
    for _ in range(3 * SIZE):
        f.BacklogItemFactory(product=product, sprint=first)
    cursor = keyset_page_grouped(
        BacklogItem.objects.filter(product=product), groups=view_groups("sprint", product.pk),
        group_keys=view_order.group_keys("sprint"), sort=view_order.sort_keys("rank"), ordering="rank", size=SIZE,
        params={},
    ).next_cursor  # fmt: skip
    few = (_queries(product, "sprint", {}), _queries(product, "sprint", {"after": cursor}))
    for n in range(10):
        f.BacklogItemFactory(product=product, sprint=f.SprintFactory(product=product, start_date=date(2026, 2, n + 1)))
    many = (_queries(product, "sprint", {}), _queries(product, "sprint", {"after": cursor}))
    assert few == many == (3, 4)


def _plan(sql: str) -> dict:
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):  # on a small table the
            cursor.execute(f"SET LOCAL {setting} = off")  # planner would rather sort: ask for the index's order
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _item_reads(queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "backlog_backlogitem"."id"') and "LIMIT" in q["sql"]
    ]


@pytest.mark.parametrize(
    "group_by, ordering, index",
    [("status", "rank", "item_status_rank"), ("sprint", "rank", "item_sprint_rank"),
     (None, "-created_at", "item_created_desc_keyset"), (None, "updated_at", "item_updated_keyset"),
     (None, "-customer_impact", "item_impact_desc_keyset")],
)  # fmt: skip
def test_a_page_is_an_index_scan_in_its_order(world, postgres, group_by, ordering, index):
    product = world.product
    sprint = f.SprintFactory(product=product)
    for n in range(3 * SIZE):
        f.BacklogItemFactory(product=product, sprint=sprint if n % 2 else None, status="new")
    qs = BacklogItem.objects.filter(product=product)
    with CaptureQueriesContext(connection) as queries:
        if group_by is None:
            cursor = keyset_page(qs, ordering=ordering, size=SIZE, params={}).next_cursor
            keyset_page(qs, ordering=ordering, size=SIZE, params={"after": cursor})
        else:
            group, sort = view_order.group_keys(group_by), view_order.sort_keys(ordering)
            groups = view_groups(group_by, product.pk)
            cursor = keyset_page_grouped(
                qs, groups=groups, group_keys=group, sort=sort, ordering=ordering, size=SIZE, params={}
            ).next_cursor
            keyset_page_grouped(
                qs, groups=groups, group_keys=group, sort=sort, ordering=ordering, size=SIZE, params={"after": cursor}
            )
    reads = _item_reads(queries.captured_queries)
    assert reads
    for sql in reads:
        nodes = list(_nodes(_plan(sql)))
        assert nodes[0]["Node Type"] == "Limit", sql
        assert not [n for n in nodes if n["Node Type"] in ("Sort", "Incremental Sort", "Seq Scan")], sql
        scans = [n for n in nodes if n.get("Relation Name") == "backlog_backlogitem"]
        assert [n["Index Name"] for n in scans] == [index], sql


def test_the_page_sorts_by_customer_impact(world, postgres):
    """`?ordering=-customer_impact` (a choice of the sort filter) orders the page by it, highest first,
    ties by id: it used to fall back to the manual order while the page said "sorted by customer impact"."""
    impacts = [Decimal("1.00"), Decimal("5.00"), Decimal("0.00"), Decimal("5.00")]
    items = [f.BacklogItemFactory(product=world.product, customer_impact=impact) for impact in impacts]
    response = world.client("admin").get(f"/products/{world.product.pk}/items/?ordering=-customer_impact")
    assert response.status_code == 200
    shown = [row.pk for row in response.context["page"].object_list]
    assert shown == [i.pk for i in sorted(items, key=lambda i: (-i.customer_impact, i.pk))]

"""Long backlogs: keyset pages (first, next, previous, last, jump to an item), rows decorated only for the
page shown, the parent picker searched as you type, and constant query counts whatever the length."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog.models import RANK_GAP, AcceptanceCriterion, BacklogItem
from prioritization import scoring
from tests import factories as f

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]


def _items(product, count, **fields):
    start = BacklogItem.objects.filter(product=product).count()
    return BacklogItem.objects.bulk_create(
        [
            BacklogItem(
                product=product, number=start + n + 1, rank=(start + n + 1) * RANK_GAP, title=f"Item {n}", **fields
            )
            for n in range(count)
        ]
    )


def _list(world, role="viewer", **params):
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    return world.client(role).get(url, params)


def _keys(response):
    return [row["obj"].number for row in response.context["rows"]]


def test_the_backlog_pages_by_keyset_forward_back_and_to_the_end(world):
    _items(world.product, 250)
    first = _list(world)
    assert _keys(first) == list(range(1, 101))
    page = first.context["page"]
    assert page.has_next and not page.has_previous and page.count_label == "250"
    second = _list(world, after=page.next_cursor)
    assert _keys(second) == list(range(101, 201))
    assert second.context["page"].has_previous
    back = _list(world, before=second.context["page"].previous_cursor)
    assert _keys(back) == list(range(1, 101))
    last = _list(world, page="last")
    assert _keys(last) == list(range(151, 251))
    assert not last.context["page"].has_next and last.context["page"].has_previous
    assert _list(world, after="not-a-cursor").status_code == 200  # a broken link shows the first page


def test_sorted_by_a_score_the_pages_keep_nulls_last_and_lose_no_row(world):
    items = _items(world.product, 130)
    for n, item in enumerate(items):
        item.rice_score = None if n % 4 == 0 else Decimal(n % 7)
    BacklogItem.objects.bulk_update(items, ["rice_score"])
    seen, params = [], {"ordering": "-rice_score"}
    while True:
        response = _list(world, **params)
        seen += [row["obj"] for row in response.context["rows"]]
        page = response.context["page"]
        if not page.has_next:
            break
        params = {"ordering": "-rice_score", "after": page.next_cursor}
    expected = sorted(items, key=lambda i: (i.rice_score is None, -(i.rice_score or 0), i.pk))
    assert [i.pk for i in seen] == [i.pk for i in expected]


def test_jump_to_an_item_starts_the_page_there(world):
    _items(world.product, 250)
    response = _list(world, goto="PAY-177")
    assert _keys(response)[0] == 177 and response.context["page"].has_previous
    missing = _list(world, goto="PAY-9999")
    assert _keys(missing)[0] == 1 and "No item PAY-9999" in missing.content.decode()


def test_another_workspaces_items_never_appear(world):
    _items(world.product, 3)
    _items(world.other_product, 5)
    response = _list(world)
    assert {row["obj"].product_id for row in response.context["rows"]} == {world.product.pk}


def test_criteria_are_counted_for_the_rows_shown(world):
    items = _items(world.product, 3)
    for text, met in (("a", True), ("b", False)):
        AcceptanceCriterion.objects.create(item=items[1], text=text, met=met)
    BacklogItem.objects.filter(pk=items[1].pk).update(has_criteria=True)
    rows = {row["obj"].pk: row["obj"] for row in _list(world).context["rows"]}
    assert (rows[items[1].pk].criteria_met, rows[items[1].pk].criteria_count) == (1, 2)
    assert rows[items[0].pk].criteria_count == 0


@pytest.mark.parametrize("count", [30, 240])
def test_the_backlog_page_costs_the_same_queries_however_long(world, count):
    parents = _items(world.product, 10, kind="epic")
    items = _items(world.product, count)
    BacklogItem.objects.filter(pk__in=[i.pk for i in items[::3]]).update(parent=parents[0])
    client = world.client("admin")
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"page": "last"}).status_code == 200
    # Pinned: the same for 30 and 240 items (no per-row query, no OFFSET); 19 + 1 for the label chip's choices.
    assert len(queries) == 20


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_the_parent_picker_searches_epics_and_features_of_the_product(world, role):
    epic = f.BacklogItemFactory(product=world.product, kind="epic", title="Checkout revamp")
    f.BacklogItemFactory(product=world.product, kind="story", title="Checkout button")
    f.BacklogItemFactory(product=world.other_product, kind="epic", title="Checkout elsewhere")
    url = reverse("backlog:item_parent_choices", kwargs={"product_id": world.product.pk})
    response = world.client(role).get(url, {"q": "checkout"})
    if role == "outsider":
        assert response.status_code == 404
        return
    assert response.json() == {"results": [{"id": epic.pk, "label": f"PAY-{epic.number} Checkout revamp"}]}
    by_number = world.client(role).get(url, {"q": f"PAY-{epic.number}"}).json()["results"]
    assert [r["id"] for r in by_number] == [epic.pk]
    assert world.client(role).get(url, {"q": "checkout", "exclude": epic.pk}).json() == {"results": []}


def test_the_item_form_lists_no_parents_and_saves_the_picked_one(world):
    parents = _items(world.product, 300, kind="feature")
    item = f.BacklogItemFactory(
        product=world.product, title="Pay by link", parent=parents[5], number=90001, rank=90001 * RANK_GAP
    )
    client = world.client("contributor")
    edit = reverse("backlog:item_edit", kwargs={"product_id": world.product.pk, "pk": item.pk})
    page = client.get(edit).content.decode()
    assert page.count("<option") < 100  # the other choice lists only, not 300 parents
    assert f"PAY-{parents[5].number} Item 5" in page and 'role="combobox"' in page
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(parent=parents[7].pk, title="Pay by link", kind="story", status="new", version=item.version)
    response = client.post(edit, {k: ("" if v is None else v) for k, v in data.items() if not hasattr(v, "pk")})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.parent_id == parents[7].pk
    other = f.BacklogItemFactory(product=world.other_product, kind="epic")
    data.update(parent=other.pk, version=item.version)
    refused = client.post(edit, {k: ("" if v is None else v) for k, v in data.items() if not hasattr(v, "pk")})
    assert refused.status_code == 200 and "parent" in refused.context["form"].errors


candidates = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.25"), max_value=Decimal("30"), places=2),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(rows=candidates, capacity=st.decimals(min_value=Decimal("1"), max_value=Decimal("100"), places=1))
def test_the_streamed_proposal_equals_the_full_one(rows, capacity):
    """Reading best first and stopping once nothing fits gives the split of the whole list (the rest: won't)."""
    cands = [scoring.Candidate(n, effort, score) for n, (effort, score) in enumerate(rows)]
    full = scoring.moscow_propose(candidates=cands, capacity=capacity, must_share_limit=Decimal(60))
    ordered = sorted(cands, key=lambda c: (-c.score, c.effort, c.id))
    least = min((c.effort for c in cands), default=None)
    streamed = scoring.moscow_propose_sorted(
        candidates=iter(ordered), capacity=capacity, must_share_limit=Decimal(60), min_effort=least
    )
    assert {k: streamed.get(k, scoring.WONT) for k in full} == full


def test_each_row_counts_its_children_and_links_to_its_own_endpoints(world):
    """The child count comes from one grouped count (not the child rows), and each row's links (page,
    move, popover, edit in place) are its own, though each pattern is reversed once per page."""
    epic, feature, lone = _items(world.product, 3)
    BacklogItem.objects.filter(pk=epic.pk).update(kind="epic")
    for n in range(3):
        BacklogItem.objects.create(
            product=world.product, number=10 + n, rank=(10 + n) * RANK_GAP, title="S", parent=epic
        )
    BacklogItem.objects.create(product=world.product, number=20, rank=20 * RANK_GAP, title="C", parent=feature)
    response = _list(world, role="product_owner")
    html = response.content.decode()
    by_pk = {row["obj"].pk: row for row in response.context["rows"]}
    assert (
        by_pk[epic.pk]["obj"].child_count,
        by_pk[feature.pk]["obj"].child_count,
        by_pk[lone.pk]["obj"].child_count,
    ) == (3, 1, 0)
    assert '<span class="child-count">3 stories</span>' in html
    assert '<span class="child-count">1 child item</span>' in html
    for item in (epic, lone):
        kwargs = {"product_id": world.product.pk, "pk": item.pk}
        row = by_pk[item.pk]
        assert row["url"] == reverse("backlog:item_detail", kwargs=kwargs)
        assert f'data-move-url="{reverse("backlog:item_move", kwargs=kwargs)}"' in html
        assert f'data-props-url="{reverse("backlog:item_props", kwargs=kwargs)}"' in html
        assert f'hx-get="{reverse("backlog:item_inline", kwargs=kwargs)}?columns=' in html


def test_an_epic_page_shows_its_first_children_and_says_there_are_more(world):
    from backlog.selectors.items import CHILDREN_SHOWN

    epic = BacklogItem.objects.create(product=world.product, number=1, rank=RANK_GAP, title="Epic", kind="epic")
    BacklogItem.objects.bulk_create(
        [
            BacklogItem(product=world.product, number=n + 2, rank=(n + 2) * RANK_GAP, title=f"Child {n}", parent=epic)
            for n in range(CHILDREN_SHOWN + 5)
        ]
    )
    url = reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": epic.pk})
    html = world.client("viewer").get(url).content.decode()
    assert html.count("Child ") == CHILDREN_SHOWN and f">Child {CHILDREN_SHOWN - 1}<" in html
    assert f"The first {CHILDREN_SHOWN} children" in html
    BacklogItem.objects.filter(parent=epic, number__gt=CHILDREN_SHOWN + 1).delete()
    html = world.client("viewer").get(url).content.decode()
    assert html.count("Child ") == CHILDREN_SHOWN and "data-children-more" not in html

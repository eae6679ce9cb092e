"""Backlog views with custom fields (sort, group, columns, saved views) and grouped views that page by
group: a group's rows follow each other across keyset pages, and a page says where a group goes on."""

import pytest
from django.urls import reverse

from backlog.models import BacklogItem, SavedView
from backlog.views.items import ItemCrud
from customfields.models import FieldDefinition
from tests import factories as f


def _url(world, **params):
    return reverse("backlog:item_list", kwargs={"product_id": world.product.pk}), params


def _get(world, role="viewer", **params):
    url, params = _url(world, **params)
    return world.client(role).get(url, params)


def _titles(response):
    return [row["obj"].title for row in response.context["rows"]]


def _groups(response):
    return [
        (g["label"], [r["obj"].title for r in g["rows"]], g["continued"], g["continues"])
        for g in response.context["row_groups"]
    ]


@pytest.fixture
def fields(world):
    tier = FieldDefinition.objects.create(
        workspace=world.workspace,
        name="Tier",
        key="tier",
        field_type="single_select",
        options=["Free", "Pro", "Enterprise"],
    )
    score = FieldDefinition.objects.create(workspace=world.workspace, name="Deal size", key="deal", field_type="number")
    lead = FieldDefinition.objects.create(workspace=world.workspace, name="Sales lead", key="lead", field_type="user")
    return tier, score, lead


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(ItemCrud, "paginate_by", 3)


def _all_pages(world, **params):
    """Every page of a view, following the next links: titles per page and the pages' groups."""
    pages, response = [], _get(world, **params)
    while True:
        pages.append(response)
        page = response.context["page"]
        if not page.has_next:
            return pages
        response = _get(world, **params, after=page.next_cursor)


def test_a_group_spanning_two_pages_stays_together_and_says_so(world, small_pages):
    # Ranks interleave the statuses: paging by rank alone would scatter each group over the pages.
    for title, status in [("A", "ready"), ("B", "new"), ("C", "ready"), ("D", "new"), ("E", "new"), ("F", "new")]:
        f.BacklogItemFactory(product=world.product, title=title, status=status)
    first, second = _all_pages(world, group="status")
    assert _groups(first) == [("New", ["B", "D", "E"], False, True)]
    assert _groups(second) == [("New", ["F"], True, False), ("Ready", ["A", "C"], False, False)]
    body = second.content.decode()
    assert "continued from the previous page" in body and "continues on the next page" in first.content.decode()
    # Back from page 2 to page 1 through its previous link: the same rows, the same marks.
    back = _get(world, group="status", before=second.context["page"].previous_cursor)
    assert _groups(back) == _groups(first)


def test_a_grouped_view_jumps_to_an_item_and_to_its_last_page(world, small_pages):
    made = {}
    for title, status in [("A", "ready"), ("B", "new"), ("C", "ready"), ("D", "new"), ("E", "new"), ("F", "new")]:
        made[title] = f.BacklogItemFactory(product=world.product, title=title, status=status)
    expected = [("New", ["F"], True, False), ("Ready", ["A", "C"], False, False)]
    assert _groups(_get(world, group="status", goto=str(made["F"].number))) == expected
    last = _get(world, group="status", page="last")
    assert _groups(last) == expected and last.context["page"].has_previous


def test_a_grouped_view_sorted_by_a_score_keeps_the_sort_inside_each_group(world, small_pages):
    for title, status, rice in [("A", "new", 1), ("B", "ready", 9), ("C", "new", 5), ("D", "new", None)]:
        f.BacklogItemFactory(product=world.product, title=title, status=status, rice_score=rice)
    pages = _all_pages(world, group="status", ordering="-rice_score")
    assert [_titles(p) for p in pages] == [["C", "A", "D"], ["B"]]  # NULL scores last inside their group


def test_sorting_by_a_custom_number_pages_with_nulls_last_and_an_id_tiebreak(world, fields, small_pages):
    deals = [("A", 5), ("B", None), ("C", 1), ("D", 5), ("E", 3), ("F", None), ("G", 12)]
    for title, deal in deals:
        f.BacklogItemFactory(product=world.product, title=title, custom_fields={} if deal is None else {"deal": deal})
    ascending = [t for p in _all_pages(world, ordering="cf_deal") for t in _titles(p)]
    assert ascending == ["C", "E", "A", "D", "G", "B", "F"]  # 12 after 5: numbers, not text
    descending = [t for p in _all_pages(world, ordering="-cf_deal") for t in _titles(p)]
    assert descending == ["G", "A", "D", "E", "C", "B", "F"]
    response = _get(world, ordering="-cf_deal")
    assert not response.context["can_rank"] and "sorted by deal size, last to first" in response.content.decode()


def test_grouping_by_a_single_select_follows_its_choices_and_empty_comes_last(world, fields, small_pages):
    for title, tier in [("A", "Pro"), ("B", None), ("C", "Enterprise"), ("D", "Free"), ("E", "Pro")]:
        f.BacklogItemFactory(product=world.product, title=title, custom_fields={"tier": tier} if tier else {})
    f.BacklogItemFactory(product=world.other_product, title="Rival", custom_fields={"tier": "Pro"})
    groups = [g for p in _all_pages(world, group="cf_tier") for g in _groups(p)]
    assert [(label, titles) for label, titles, *_ in groups] == [
        ("Free", ["D"]),
        ("Pro", ["A", "E"]),
        ("Enterprise", ["C"]),
        ("No tier", ["B"]),
    ]
    # Filtered by the same field (the GIN-served containment): only that value, only this product.
    assert _titles(_get(world, cf_tier="Pro")) == ["A", "E"]


def test_grouping_by_a_person_field_orders_groups_by_name(world, fields):
    po, admin = world.users["product_owner"], world.users["admin"]
    f.BacklogItemFactory(product=world.product, title="A", custom_fields={"lead": po.pk})
    f.BacklogItemFactory(product=world.product, title="B", custom_fields={"lead": admin.pk})
    f.BacklogItemFactory(product=world.product, title="C")
    groups = _groups(_get(world, group="cf_lead"))
    assert [(label, titles) for label, titles, *_ in groups] == [
        ("admin_user", ["B"]),
        ("product_owner_user", ["A"]),
        ("No sales lead", ["C"]),
    ]


def test_custom_fields_are_offered_as_columns_sorts_and_groups(world, fields):
    f.BacklogItemFactory(product=world.product, title="A", custom_fields={"tier": "Pro", "deal": 7})
    response = _get(world, columns="status,cf_tier,cf_deal")
    body = response.content.decode()
    assert ">Tier</th>" in body and ">Deal size</th>" in body and ">Pro<" in body
    assert ("cf_tier", "Tier") in response.context["all_columns"]
    assert ("cf_tier", "Tier") in response.context["group_choices"]
    assert ("cf_deal", "Deal size") not in response.context["group_choices"]  # a number is no group
    assert ("-cf_deal", "Deal size, last to first") in response.context["ordering_choices"]
    assert 'value="-cf_deal"' in body and 'value="cf_lead"' in body  # in the sort and group pickers


def test_a_bad_custom_sort_or_group_shows_the_manual_order(world, fields):
    f.BacklogItemFactory(product=world.product, title="A")
    for params in ({"ordering": "cf_nope"}, {"group": "cf_deal"}, {"ordering": "-cf_"}, {"group": "cf_x" * 30}):
        response = _get(world, **params)
        assert response.status_code == 200


def test_a_view_with_custom_fields_is_saved_and_opens_as_saved(world, fields):
    client = world.client("product_owner")
    query = "cf_tier=Pro&columns=status%2Ccf_tier&group=cf_tier&ordering=-cf_deal"
    save = reverse("backlog:saved_view_save", kwargs={"product_id": world.product.pk})
    assert client.post(save, {"name": "Pro deals", "query": query}).status_code == 302
    view = SavedView.objects.get(name="Pro deals")
    assert (view.filters, view.columns, view.group_by, view.ordering) == (
        {"cf_tier": "Pro"},
        ["status", "cf_tier"],
        "cf_tier",
        "-cf_deal",
    )
    f.BacklogItemFactory(product=world.product, title="Small", custom_fields={"tier": "Pro", "deal": 1})
    f.BacklogItemFactory(product=world.product, title="Big", custom_fields={"tier": "Pro", "deal": 9})
    f.BacklogItemFactory(product=world.product, title="Free one", custom_fields={"tier": "Free", "deal": 5})
    url, _ = _url(world)
    assert _titles(client.get(f"{url}?{view.query}", follow=True)) == ["Big", "Small"]


def test_a_grouped_custom_field_page_costs_the_same_queries_at_any_length(world, fields, django_assert_max_num_queries):
    for n in range(25):
        f.BacklogItemFactory(product=world.product, title=f"I{n}", custom_fields={"tier": ["Free", "Pro"][n % 2]})
    client = world.client("viewer")
    url, params = _url(world, columns="status,cf_tier", group="cf_tier", ordering="-cf_deal")
    client.get(url, params)  # the session's remembered view, once
    with django_assert_max_num_queries(16):
        assert client.get(url, params).status_code == 200
    assert BacklogItem.objects.count() == 25


def test_a_row_popover_sets_and_clears_a_custom_field_through_the_item_rules(world, fields):
    """Number, single select and person fields are edited from the row (offered in the page's popover
    specs); values are checked like the form's, and a field no popover edits is refused."""
    import json

    notes = FieldDefinition.objects.create(workspace=world.workspace, name="Notes", key="notes", field_type="text")
    item = f.BacklogItemFactory(product=world.product, title="Invoice export")
    props = reverse("backlog:item_props", kwargs={"product_id": world.product.pk, "pk": item.pk})
    editor = world.client("product_owner")

    page = editor.get(reverse("backlog:item_list", kwargs={"product_id": world.product.pk}), {"columns": "cf_tier"})
    specs = json.loads(page.context["prop_choices"])
    assert specs["_custom"] == {
        "cf_tier": {"label": "Tier", "kind": "choice"},
        "cf_deal": {"label": "Deal size", "kind": "number", "step": "any"},
        "cf_lead": {"label": "Sales lead", "kind": "choice"},
    }
    assert specs["cf_tier"] == [["", "—"], ["Free", "Free"], ["Pro", "Pro"], ["Enterprise", "Enterprise"]]
    assert 'data-prop="cf_tier"' in page.content.decode()

    assert editor.post(props, {"field": "cf_tier", "value": "Pro"}).status_code == 200
    assert editor.post(props, {"field": "cf_deal", "value": "1200.50"}).status_code == 200
    item.refresh_from_db()
    assert item.custom_fields == {"tier": "Pro", "deal": 1200.5}  # as the form stores it
    for field, value in (("cf_tier", "Platinum"), ("cf_deal", "lots"), ("cf_notes", "x"), ("cf_nope", "1")):
        assert editor.post(props, {"field": field, "value": value}).status_code == 400, field
    assert editor.post(props, {"field": "cf_tier", "value": ""}).status_code == 200
    item.refresh_from_db()
    assert item.custom_fields == {"deal": 1200.5} and notes.key not in item.custom_fields
    assert world.client("viewer").post(props, {"field": "cf_tier", "value": "Free"}).status_code == 403

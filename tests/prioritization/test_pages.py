"""The prioritisation pages: what each role may do, another workspace is a 404, and what they show."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from backlog.models import BacklogItem
from jobs.models import Job
from prioritization.models import CriterionValue, CustomScore, PrioritySettings, Scenario, ScorecardCriterion, Snapshot
from tests import factories as f

from .conftest import rice_inputs, set_values

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]
PM = {"admin", "product_manager"}  # settings, re-prioritisation, scorecard, scenarios
PO = {"admin", "product_owner"}  # applying a MoSCoW proposal
ITEMS = {"admin", "product_manager", "product_owner", "contributor"}  # an item's scorecard values


def url(name, product, **kwargs):
    return reverse(f"prioritization:{name}", kwargs={"product_id": product.pk, **kwargs})


def read_pages(world):
    item = f.BacklogItemFactory(product=world.product)
    criterion = ScorecardCriterion.objects.create(product=world.product, name="Revenue", weight=D("3"))
    scenario = Scenario.objects.create(product=world.product, name="What if")
    return [
        url("ranking", world.product),
        url("ranking", world.product) + "?framework=wsjf&sort=gap",
        url("job_status", world.product),
        url("matrix", world.product),
        url("moscow", world.product),
        url("settings", world.product),
        url("criterion_list", world.product),
        url("criterion_detail", world.product, pk=criterion.pk),
        url("item_values", world.product, pk=item.pk),
        url("scenario_list", world.product),
        url("scenario_detail", world.product, pk=scenario.pk),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_every_page(world, role):
    client = world.client(role)
    for page in read_pages(world):
        assert client.get(page).status_code == 200, page


def test_anonymous_is_sent_to_sign_in(world):
    for page in read_pages(world):
        response = world.client(None).get(page)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), page


def test_another_workspace_is_not_found(world):
    theirs = world.other_product
    their_item = f.BacklogItemFactory(product=theirs)
    their_scenario = Scenario.objects.create(product=theirs, name="Theirs")
    their_criterion = ScorecardCriterion.objects.create(product=theirs, name="Fit", weight=D("1"))
    client = world.client("admin")
    pages = [
        url("ranking", theirs),
        url("job_status", theirs),
        url("matrix", theirs),
        url("moscow", theirs),
        url("settings", theirs),
        url("criterion_list", theirs),
        url("criterion_edit", theirs, pk=their_criterion.pk),
        url("item_values", theirs, pk=their_item.pk),
        url("scenario_list", theirs),
        url("scenario_detail", theirs, pk=their_scenario.pk),
    ]
    for page in pages:
        assert client.get(page).status_code == 404, page
        assert client.post(page, {"action": "apply"}).status_code == 404, page
    assert client.post(url("reprioritise", theirs)).status_code == 404
    # Their objects through our product: not found either.
    ours = world.product
    assert client.get(url("item_values", ours, pk=their_item.pk)).status_code == 404
    assert client.post(url("scenario_detail", ours, pk=their_scenario.pk), {"action": "apply"}).status_code == 404
    assert client.post(url("criterion_delete", ours, pk=their_criterion.pk)).status_code == 404
    assert not Job.objects.exists()
    their_scenario.refresh_from_db()
    assert their_scenario.status == "open" and ScorecardCriterion.objects.filter(pk=their_criterion.pk).exists()
    # And their member cannot reach ours.
    assert world.client("outsider").get(url("ranking", ours)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_product_managers_re_prioritise(world, role, django_capture_on_commit_callbacks):
    item = f.BacklogItemFactory(product=world.product, **rice_inputs())
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(role).post(url("reprioritise", world.product))
    item.refresh_from_db()
    if role in PM:
        assert response.status_code == 302
        assert Job.objects.get().started_by == world.users[role]
        assert item.rice_score == D("800.00")
    else:
        assert response.status_code == 403
        assert not Job.objects.exists() and item.rice_score is None


@pytest.mark.parametrize("role", ROLES)
def test_only_product_managers_change_settings(world, role, django_capture_on_commit_callbacks):
    data = {
        "default_framework": "wsjf",
        "value_threshold": "",
        "effort_threshold": "3",
        "must_share_limit": "50",
        "capacity": "20",
        "effort_unit": "person-months",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(role).post(url("settings", world.product), data)
    saved = PrioritySettings.objects.filter(product=world.product).first()
    if role in PM:
        assert response.status_code == 302
        assert (saved.default_framework, saved.must_share_limit, saved.capacity) == ("wsjf", D("50"), D("20"))
        assert Job.objects.count() == 1  # a settings change re-scores the product
    else:
        assert response.status_code == 403 and saved is None


def test_settings_refuse_bad_input_with_field_errors(world):
    response = world.client("admin").post(
        url("settings", world.product),
        {"default_framework": "nope", "must_share_limit": "120", "capacity": "-1", "effort_unit": "pm"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"default_framework", "must_share_limit", "capacity"} <= set(errors)
    assert not PrioritySettings.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_product_owners_apply_a_moscow_proposal(world, role):
    item = f.BacklogItemFactory(product=world.product, **rice_inputs(), rice_score=D("800"))
    response = world.client(role).post(url("moscow", world.product) + "?capacity=10", {f"item-{item.pk}": "must"})
    item.refresh_from_db()
    if role in PO:
        assert response.status_code == 302 and item.moscow == "must" and item.version == 2
    else:
        assert response.status_code == 403 and item.moscow == ""


def test_a_moscow_post_cannot_touch_another_products_items(world):
    ours = f.BacklogItemFactory(product=world.product)
    theirs = f.BacklogItemFactory(product=world.other_product)
    world.client("admin").post(url("moscow", world.product), {f"item-{ours.pk}": "must", f"item-{theirs.pk}": "must"})
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.moscow, theirs.moscow) == ("", "")  # all or nothing


@pytest.mark.parametrize("role", ROLES)
def test_only_product_managers_manage_scenarios(world, role):
    client = world.client(role)
    item = f.BacklogItemFactory(product=world.product, number=7, **rice_inputs(reach=10))
    create = client.post(url("scenario_list", world.product), {"name": "Bigger reach", "framework": "rice"})
    if role not in PM:
        assert create.status_code == 403 and not Scenario.objects.exists()
        scenario = Scenario.objects.create(product=world.product, name="Theirs")
        apply = client.post(url("scenario_detail", world.product, pk=scenario.pk), {"action": "apply"})
        assert apply.status_code == 403
        scenario.refresh_from_db()
        assert scenario.status == "open"
        return
    scenario = Scenario.objects.get()
    assert create.status_code == 302 and scenario.created_by == world.users[role]
    change = client.post(
        url("scenario_detail", world.product, pk=scenario.pk),
        {"action": "change", "item": str(item.pk), "field": "reach", "value": "50000"},
    )
    assert change.status_code == 302
    scenario.refresh_from_db()
    assert scenario.item_inputs == {str(item.pk): {"reach": "50000"}}
    item.refresh_from_db()
    assert item.reach == 10  # live data untouched


@pytest.mark.parametrize("role", ROLES)
def test_scorecard_criteria_are_managed_by_product_managers(world, role):
    response = world.client(role).post(
        url("criterion_create", world.product), {"name": "Fit", "weight": "2", "order": "1"}
    )
    exists = ScorecardCriterion.objects.filter(product=world.product, name="Fit").exists()
    assert (response.status_code, exists) == ((302, True) if role in PM else (403, False))


@pytest.mark.parametrize("role", ROLES)
def test_item_scorecard_values_are_set_by_item_editors(world, role, scorecard, django_capture_on_commit_callbacks):
    item = f.BacklogItemFactory(product=world.product, effort=D("2"))
    data = {f"c{c.pk}": v for c, v in zip(scorecard, ["5", "4", "8"], strict=True)}
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(role).post(url("item_values", world.product, pk=item.pk), data)
    if role in ITEMS:
        assert response.status_code == 302
        assert CustomScore.objects.get(item=item).score == D("15.00")  # (10 + 12 + 8) ÷ 2
    else:
        assert response.status_code == 403 and not CriterionValue.objects.exists()


def test_item_scorecard_values_refuse_negatives(world, scorecard):
    item = f.BacklogItemFactory(product=world.product)
    response = world.client("admin").post(url("item_values", world.product, pk=item.pk), {f"c{scorecard[0].pk}": "-2"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not CriterionValue.objects.exists()


# ---- what the pages show ------------------------------------------------------------------------


def test_the_ranked_view_explains_the_order_and_lists_unscored_items(world, run):
    big = f.BacklogItemFactory(product=world.product, title="Pay by link", **rice_inputs(reach=5000))
    small = f.BacklogItemFactory(product=world.product, title="Dark mode", **rice_inputs(reach=100))
    f.BacklogItemFactory(product=world.product, title="Half-known", reach=10, impact=D("1"))
    run(world.product)
    page = world.client("viewer").get(url("ranking", world.product)).content.decode()
    assert page.index("Pay by link") < page.index("Dark mode")
    assert "5,000 × 2 × 0.8 ÷ 4 = 2000.00" in page  # the breakdown of the first
    assert "Missing: confidence, effort" not in page.split("Unscored")[0]
    assert "Half-known" in page.split("Unscored")[1] and "confidence, effort" in page.split("Unscored")[1]
    assert "Re-prioritise" not in page  # viewers may not start a run
    assert "Re-prioritise" in world.client("product_manager").get(url("ranking", world.product)).content.decode()
    rows = world.client("viewer").get(url("ranking", world.product)).context["rows"]
    assert [(r.item.pk, r.score_position, r.manual_position) for r in rows] == [(big.pk, 1, 1), (small.pk, 2, 2)]


def test_the_gap_order_puts_items_far_from_their_score_first(world):
    # Manual order A, B, C, D; by score D, C, B, A: A and D are 3 places off, B and C 1.
    items = [
        f.BacklogItemFactory(product=world.product, title=t, rice_score=D(s), **rice_inputs())
        for t, s in [("A", "1"), ("B", "2"), ("C", "3"), ("D", "4")]
    ]
    response = world.client("viewer").get(url("ranking", world.product) + "?sort=gap")
    rows = response.context["rows"]
    assert [(r.item.title, r.gap) for r in rows] == [("D", 3), ("A", -3), ("C", 1), ("B", -1)]
    assert items


def test_the_ranked_view_filters_and_shows_movement_since_the_snapshot(world, run):
    release = f.ReleaseFactory(product=world.product)
    a = f.BacklogItemFactory(product=world.product, title="A", release=release, **rice_inputs(reach=100))
    b = f.BacklogItemFactory(product=world.product, title="B", **rice_inputs(reach=200))
    run(world.product)
    BacklogItem.objects.filter(pk=a.pk).update(rice_score=D("9999"))  # A now outranks B
    rows = world.client("viewer").get(url("ranking", world.product)).context["rows"]
    assert [(r.item.title, r.moved) for r in rows] == [("A", 1), ("B", -1)]
    filtered = world.client("viewer").get(url("ranking", world.product) + f"?release={release.pk}").context["rows"]
    assert [r.item.pk for r in filtered] == [a.pk]
    assert b


def test_the_ranking_page_runs_a_fixed_number_of_queries(world, scorecard, django_assert_max_num_queries):
    for n in range(30):
        item = f.BacklogItemFactory(
            product=world.product, initiative=f.InitiativeFactory(product=world.product), effort=D("2")
        )
        set_values(item, scorecard, [str(n), "1", "1"])
    from prioritization import services

    services.rescore_custom(world.product.pk)
    client = world.client("viewer")
    for framework in ("rice", "custom"):
        # 17 (was 16): the page numbers the shown rows only, one narrow query for their manual places;
        # 18: the latest application of a ranking to the backlog (with its Undo)
        with django_assert_max_num_queries(18):
            response = client.get(url("ranking", world.product) + f"?framework={framework}")
        assert response.status_code == 200


def test_the_matrix_places_items_in_quadrants_by_the_medians(world):
    # Values 100, 200, 300, 400 (median 250); efforts 1, 4, 1, 4 (median 2.5).
    for reach, effort in [(100, "1"), (200, "4"), (300, "1"), (400, "4")]:
        f.BacklogItemFactory(product=world.product, reach=reach, impact=D("1"), confidence=100, effort=D(effort))
    f.BacklogItemFactory(product=world.product)
    response = world.client("viewer").get(url("matrix", world.product))
    m = response.context["matrix"]
    assert (m.value_threshold, m.effort_threshold) == (D("250.00"), D("2.50"))
    assert m.counts == {"quick_win": 1, "big_bet": 1, "fill_in": 1, "time_sink": 1} and m.unplaced == 1
    assert response.content.decode().count("<circle") == 4


def test_the_moscow_page_flags_over_commitment_and_proposes_a_split(world):
    PrioritySettings.objects.create(product=world.product, capacity=D("10"))
    items = [
        f.BacklogItemFactory(product=world.product, moscow="must", rice_score=D(s), effort=D(e))
        for s, e in [("90", "4"), ("80", "3"), ("70", "2"), ("60", "1"), ("50", "1")]
    ]
    view = world.client("product_owner").get(url("moscow", world.product)).context["view"]
    assert view.current.over_must_limit and view.current.must_share == D("110.0")
    assert [r.proposed for r in view.rows] == ["must", "should", "could", "must", "wont"]
    assert not view.proposed.over_must_limit and not view.proposed.over_capacity
    assert items


def test_applying_a_scenario_writes_live_data_and_re_scores(world, run, django_capture_on_commit_callbacks):
    low = f.BacklogItemFactory(product=world.product, number=1, **rice_inputs(reach=10))
    high = f.BacklogItemFactory(product=world.product, number=2, **rice_inputs(reach=20))
    run(world.product)
    client = world.client("product_manager")
    client.post(url("scenario_list", world.product), {"name": "Push 1", "framework": "rice"})
    scenario = Scenario.objects.get()
    client.post(
        url("scenario_detail", world.product, pk=scenario.pk),
        {"action": "change", "item": str(low.pk), "field": "reach", "value": "1000"},
    )
    moves = client.get(url("scenario_detail", world.product, pk=scenario.pk)).context["moves"]
    assert [(m.item_id, m.live_position, m.scenario_position) for m in moves] == [(low.pk, 2, 1), (high.pk, 1, 2)]
    low.refresh_from_db()
    assert low.reach == 10
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("scenario_detail", world.product, pk=scenario.pk), {"action": "apply"})
    low.refresh_from_db()
    scenario.refresh_from_db()
    assert (low.reach, low.rice_score, scenario.status) == (1000, D("400.00"), "applied")  # 1,000 × 2 × 0.8 ÷ 4
    again = client.post(url("scenario_detail", world.product, pk=scenario.pk), {"action": "apply"})
    assert again.status_code == 200  # refused with a message: an applied scenario cannot be applied twice


def test_a_scenario_change_with_a_bad_value_is_a_field_error(world):
    item = f.BacklogItemFactory(product=world.product, number=1)
    scenario = Scenario.objects.create(product=world.product, name="S")
    response = world.client("admin").post(
        url("scenario_detail", world.product, pk=scenario.pk),
        {"action": "change", "item": str(item.pk), "field": "impact", "value": "7"},
    )
    assert response.status_code == 200 and response.context["change_form"].errors
    scenario.refresh_from_db()
    assert scenario.item_inputs == {}


def test_the_ranked_view_compares_with_an_older_run_on_request(world, run):
    a = f.BacklogItemFactory(product=world.product, title="A", **rice_inputs(reach=100))
    b = f.BacklogItemFactory(product=world.product, title="B", **rice_inputs(reach=200))
    run(world.product)  # B, A
    BacklogItem.objects.filter(pk=a.pk).update(reach=1000)
    run(world.product)  # A, B
    older, latest = Snapshot.objects.order_by("created_at", "id")
    client = world.client("viewer")
    rows = client.get(url("ranking", world.product)).context["rows"]
    assert [(r.item.title, r.moved) for r in rows] == [("A", 0), ("B", 0)]  # nothing moved since the latest run
    rows = client.get(url("ranking", world.product) + f"?since={older.pk}").context["rows"]
    assert [(r.item.title, r.moved) for r in rows] == [("A", 1), ("B", -1)]
    assert latest and b


def test_staff_see_only_their_workspaces_scorecards_in_the_admin(world, client):
    from django.contrib.auth.models import Permission

    staff = world.users["admin"]
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="prioritization"))
    ours = ScorecardCriterion.objects.create(product=world.product, name="Ours fit", weight=D("1"))
    theirs = ScorecardCriterion.objects.create(product=world.other_product, name="Theirs fit", weight=D("1"))
    client.force_login(staff)
    listing = client.get("/admin/prioritization/scorecardcriterion/").content.decode()
    assert "Ours fit" in listing and "Theirs fit" not in listing
    assert client.get(f"/admin/prioritization/scorecardcriterion/{theirs.pk}/change/").status_code in (302, 404)
    assert ours


@pytest.mark.parametrize(
    ("page", "limit"),
    [("matrix", 14), ("moscow", 14), ("scenario_list", 10), ("criterion_list", 10)],
)
def test_list_pages_run_a_fixed_number_of_queries(world, scorecard, page, limit, django_assert_max_num_queries):
    PrioritySettings.objects.create(product=world.product, capacity=D("50"))
    for n in range(1, 26):
        item = f.BacklogItemFactory(product=world.product, **rice_inputs(reach=n), rice_score=D(n))
        set_values(item, scorecard, [str(n), "1", "1"])
        Scenario.objects.create(product=world.product, name=f"S{n}", created_by=world.users["admin"])
        ScorecardCriterion.objects.create(product=world.product, name=f"C{n}", weight=D("1"))
    client = world.client("viewer")
    with django_assert_max_num_queries(limit):
        assert client.get(url(page, world.product)).status_code == 200


def test_the_scenario_page_runs_a_fixed_number_of_queries(world, scorecard, django_assert_max_num_queries):
    items = [f.BacklogItemFactory(product=world.product, **rice_inputs(reach=n)) for n in range(1, 26)]
    scenario = Scenario.objects.create(
        product=world.product,
        name="S",
        framework="custom",
        item_inputs={str(i.pk): {"reach": "99"} for i in items},
        weights={str(scorecard[0].pk): "4"},
    )
    for i in items:
        set_values(i, scorecard, ["1", "2", "3"])
    client = world.client("viewer")
    with django_assert_max_num_queries(13):
        response = client.get(url("scenario_detail", world.product, pk=scenario.pk))
    assert response.status_code == 200 and len(response.context["changes"]) == 25


def test_a_change_of_a_deleted_item_can_be_removed_from_a_scenario(world):
    item = f.BacklogItemFactory(product=world.product)
    item_id = item.pk
    scenario = Scenario.objects.create(product=world.product, name="S", item_inputs={str(item_id): {"reach": "5"}})
    item.delete()
    client = world.client("product_manager")
    page = client.get(url("scenario_detail", world.product, pk=scenario.pk)).content.decode()
    assert "A deleted item" in page
    applied = client.post(url("scenario_detail", world.product, pk=scenario.pk), {"action": "apply"})
    assert applied.status_code == 200  # refused: the item is gone
    client.post(url("scenario_detail", world.product, pk=scenario.pk), {"action": "remove", "item": str(item_id)})
    scenario.refresh_from_db()
    assert scenario.item_inputs == {} and scenario.status == "open"


def test_a_scenario_picks_its_items_by_search_within_its_product(world):
    refunds = f.BacklogItemFactory(product=world.product, title="Partial refunds by card", status="ready")
    f.BacklogItemFactory(product=world.product, title="Dark mode", status="ready")
    old = f.BacklogItemFactory(product=world.product, title="Old refunds page", status="done")
    theirs = f.BacklogItemFactory(product=world.other_product, title="Rival refunds")
    scenario = Scenario.objects.create(product=world.product, name="S")
    client = world.client("admin")
    choices = url("scenario_detail", world.product, pk=scenario.pk).replace(f"{scenario.pk}/", "items/")

    found = client.get(choices, {"q": "refu"}).json()["results"]
    by_number = client.get(choices, {"q": refunds.key}).json()["results"]
    top = client.get(choices).json()["results"]
    page = client.get(url("scenario_detail", world.product, pk=scenario.pk)).content.decode()
    refused = client.post(
        url("scenario_detail", world.product, pk=scenario.pk),
        {"action": "change", "item": str(theirs.pk), "field": "reach", "value": "5"},
    )

    assert {r["label"] for r in found} == {f"{refunds.key} Partial refunds by card", f"{old.key} Old refunds page"}
    assert by_number[0] == {"id": refunds.pk, "label": f"{refunds.key} Partial refunds by card"}
    assert [r["label"].split(" ", 1)[1] for r in top] == ["Partial refunds by card", "Dark mode"]  # open work
    assert 'role="combobox"' in page and "data-search-select" in page and "js/search-select.js" in page
    assert "Item number" not in page
    assert refused.status_code == 200 and refused.context["change_form"].errors["item"]
    scenario.refresh_from_db()
    assert scenario.item_inputs == {}
    assert world.client("outsider").get(choices, {"q": "refu"}).status_code == 404

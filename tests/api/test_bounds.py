"""Bounded inputs: text sizes and list lengths are capped with a clear 400 (and the same message on the
pages), stated in the OpenAPI schema; dates stay within a window of plans; odd query parameters are a
400; stale versions are refused by moves and bulk rows; conflicting transactions are run again."""

import threading
from datetime import date, timedelta

import pytest
import yaml
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import TextField
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_filters import ModelChoiceFilter, NumberFilter
from psycopg2 import errors as pg_errors
from rest_framework.test import APIClient

from backlog.forms import ItemForm, SprintForm
from backlog.models import CRITERIA_PER_ITEM_MAX, AcceptanceCriterion, BacklogItem, Sprint
from backlog.services.criteria import item_criteria_sync
from core import db as core_db
from core.bounds import TEXT_LONG, BoundedTextField
from products.forms import BusinessCaseForm, PersonaForm, ProductForm, VisionForm
from roadmap.forms import InitiativeForm, ReleaseForm, ThemeForm
from roadmap.models import INITIATIVE_LINKS_MAX, Initiative, Release
from roadmap.services.share_links import share_link_create
from tests import factories as f

from .resources import RESOURCES

# Written by PMHub itself, never from a person's input: a job's failure, a webhook delivery's error.
# (okrs, not listed in PROJECT_APPS below, caps its own.)
SYSTEM_TEXT = {("jobs", "job", "error"), ("integrations", "webhookdelivery", "error")}


def at_most(limit: int) -> str:
    return f"At most {limit} characters."


def _capped_fields(model) -> list[BoundedTextField]:
    return [field for field in model._meta.get_fields() if isinstance(field, BoundedTextField)]


# ---- text sizes --------------------------------------------------------------------------------


PROJECT_APPS = {
    "core", "workspaces", "jobs", "products", "roadmap", "backlog", "prioritization",
    "dashboards", "integrations", "accounts", "pmhub",
}  # fmt: skip


def test_every_free_text_field_people_write_is_capped():
    uncapped = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.split(".")[0] in PROJECT_APPS
        for field in model._meta.get_fields()
        if isinstance(field, TextField)
        and not isinstance(field, BoundedTextField)
        and (model._meta.app_label, model._meta.model_name, field.name) not in SYSTEM_TEXT
    ]
    assert uncapped == []


def _viewset(resource):
    return resolve(f"/api/v1/{resource.url}/1/").func.cls


API_CAPPED = [
    (resource, field.name, field.max_length)
    for resource in RESOURCES
    if resource.patch_body is not None and resource.url not in ("objectives", "key-results", "kpis", "measurements")
    for field in _capped_fields(_viewset(resource).model)
    if field.name in _viewset(resource).serializer_class.Meta.fields
]


def test_the_table_covers_the_caps_of_every_api_resource_outside_okrs():
    covered = {(resource.url, name) for resource, name, _ in API_CAPPED}
    assert ("items", "description") in covered and ("business-cases", "evidence") in covered
    assert ("sprints", "goal") in covered and ("initiatives", "description") in covered
    assert ("visions", "statement") in covered and ("personas", "pains") in covered


@pytest.mark.parametrize(("resource", "name", "limit"), API_CAPPED, ids=lambda v: str(v))
def test_a_text_over_its_cap_is_a_400_through_the_api_and_nothing_is_saved(world, api, resource, name, limit):
    model = _viewset(resource).model
    obj = resource.make(world.product, world.workspace)
    client = api("admin")
    url = f"/api/v1/{resource.url}/{obj.pk}/"

    response = client.patch(url, {name: "x" * (limit + 1)}, format="json")

    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"][name] == [at_most(limit)]
    assert len(getattr(model.objects.get(pk=obj.pk), name)) <= limit
    if (resource.url, name) == ("insights", "passage"):  # a passage quotes its note: give the note one to quote
        type(obj.note).objects.filter(pk=obj.note_id).update(text="Said: " + "y" * limit)
    assert client.patch(url, {name: "y" * limit}, format="json").status_code == 200
    assert getattr(model.objects.get(pk=obj.pk), name) == "y" * limit


def test_the_services_refuse_a_text_over_its_cap_whatever_the_path(world):
    from backlog.services.items import item_update
    from roadmap.services.initiatives import initiative_update

    item = f.BacklogItemFactory(product=world.product)
    initiative = f.InitiativeFactory(product=world.product)

    with pytest.raises(ValidationError) as item_error:
        item_update(item=item, data={"description": "x" * (TEXT_LONG + 1)}, actor=None)
    with pytest.raises(ValidationError) as initiative_error:
        initiative_update(initiative=initiative, data={"description": "x" * (TEXT_LONG + 1)})

    assert item_error.value.message_dict == {"description": [at_most(TEXT_LONG)]}
    assert initiative_error.value.message_dict == {"description": [at_most(TEXT_LONG)]}
    assert BacklogItem.objects.get(pk=item.pk).description == ""


def text_cap(prop: dict) -> int:
    """maxLength of a text field; one that may be blank is "this, or empty" (a oneOf)."""
    return prop["maxLength"] if "maxLength" in prop else prop["oneOf"][0]["maxLength"]


def test_the_schema_states_each_cap(world, api):
    schema = yaml.safe_load(APIClient().get("/api/schema/").content)["components"]["schemas"]

    assert text_cap(schema["PatchedItemUpdateRequest"]["properties"]["description"]) == TEXT_LONG
    assert text_cap(schema["CriterionRequest"]["properties"]["text"]) == 2000
    assert schema["PatchedItemUpdateRequest"]["properties"]["acceptance_criteria"]["maxItems"] == CRITERIA_PER_ITEM_MAX
    assert schema["ItemBulkRequest"]["properties"]["items"]["maxItems"] == 500
    for name in ("key_results", "kpis", "depends_on"):
        assert schema["PatchedInitiativeUpdateRequest"]["properties"][name]["maxItems"] == INITIATIVE_LINKS_MAX
    assert text_cap(schema["PatchedBusinessCaseUpdateRequest"]["properties"]["evidence"]) == TEXT_LONG


PAGES = [
    ("backlog:item_create", {"kind": "story", "title": "T", "status": "new"}, ItemForm),
    (
        "backlog:sprint_create",
        {"name": "S9", "start_date": "2027-01-04", "end_date": "2027-01-15", "capacity_points": 0, "status": "planned"},
        SprintForm,
    ),
    ("roadmap:theme_create", {"name": "Th", "color": "#4f46e5", "order": 0}, ThemeForm),
    ("roadmap:release_create", {"name": "R9", "status": "planned"}, ReleaseForm),
    ("roadmap:initiative_create", {"title": "I", "horizon": "now", "status": "proposed"}, InitiativeForm),
    (
        "products:business_case_create",
        {
            "title": "B",
            "problem_statement": "p",
            "validation_status": "hypothesis",
            "expected_annual_benefit": "0",
            "expected_annual_cost": "0",
            "decision": "pending",
        },
        BusinessCaseForm,
    ),
    ("products:persona_create", {"name": "P"}, PersonaForm),
    ("products:vision_edit", {"statement": "Pay in one click."}, VisionForm),
    ("products:product_create", {"name": "Ledger", "key": "LED", "stage": "discovery"}, ProductForm),
]
PAGE_CAPPED = [
    (url_name, data, form._meta.model, field.name, field.max_length)
    for url_name, data, form in PAGES
    for field in _capped_fields(form._meta.model)
    if field.name in form.base_fields
]


@pytest.mark.parametrize(("url_name", "data", "model", "name", "limit"), PAGE_CAPPED, ids=lambda v: str(v))
def test_a_page_form_refuses_a_text_over_its_cap_with_the_same_message(world, url_name, data, model, name, limit):
    client = world.client("admin")
    scope = {"workspace_id": world.workspace.pk} if url_name == "products:product_create" else {}
    url = reverse(url_name, kwargs=scope or {"product_id": world.product.pk})
    before = model.objects.count()

    response = client.post(url, {**data, name: "x" * (limit + 1)})

    assert response.status_code == 200
    assert at_most(limit) in response.content.decode()
    assert model.objects.count() == before
    assert client.post(url, {**data, name: "x" * limit}).status_code == 302
    assert model.objects.count() == before + 1


def test_a_reject_reason_over_its_cap_is_refused_on_the_page(world):
    item = f.BacklogItemFactory(product=world.product, status="done")
    url = reverse("backlog:item_reject", kwargs={"product_id": world.product.pk, "pk": item.pk})

    response = world.client("product_owner").post(url, {"reason": "x" * 2001}, follow=True)

    assert at_most(2000) in response.content.decode()
    item.refresh_from_db()
    assert item.status == "done" and item.rejection_reason == ""


# ---- list lengths ------------------------------------------------------------------------------


def _criteria(n: int) -> list[dict]:
    return [{"text": f"Given {i}, then {i}"} for i in range(n)]


def test_an_item_takes_at_most_its_cap_of_acceptance_criteria_through_the_api(world, api):
    client = api("product_owner")

    refused = client.post(
        "/api/v1/items/",
        {"product": world.product.pk, "title": "Too many", "acceptance_criteria": _criteria(CRITERIA_PER_ITEM_MAX + 1)},
        format="json",
    )
    accepted = client.post(
        "/api/v1/items/",
        {"product": world.product.pk, "title": "Enough", "acceptance_criteria": _criteria(CRITERIA_PER_ITEM_MAX)},
        format="json",
    )

    assert refused.status_code == 400
    assert refused.json()["errors"]["acceptance_criteria"] == ["At most 100 acceptance criteria per item."]
    assert not BacklogItem.objects.filter(title="Too many").exists()
    assert accepted.status_code == 201
    assert len(accepted.json()["acceptance_criteria"]) == CRITERIA_PER_ITEM_MAX


def test_the_criteria_page_refuses_one_more_than_the_cap(world):
    item = f.BacklogItemFactory(product=world.product)
    item_criteria_sync(item=item, criteria=_criteria(CRITERIA_PER_ITEM_MAX), actor=None)
    url = reverse("backlog:criterion_add", kwargs={"product_id": world.product.pk, "pk": item.pk})

    response = world.client("product_owner").post(url, {"text": "One more"})

    assert response.status_code == 200
    assert "An item has at most 100 acceptance criteria." in response.content.decode()
    assert item.acceptance_criteria.count() == CRITERIA_PER_ITEM_MAX


def test_the_criteria_service_refuses_too_many_and_keeps_the_old_list(world):
    item = f.BacklogItemFactory(product=world.product)
    item_criteria_sync(item=item, criteria=_criteria(2), actor=None)

    with pytest.raises(Exception, match="at most 100"), transaction.atomic():
        item_criteria_sync(item=item, criteria=_criteria(CRITERIA_PER_ITEM_MAX + 1), actor=None)

    assert item.acceptance_criteria.count() == 2


def test_an_initiative_links_at_most_its_cap_of_each_kind_and_the_ids_are_not_looked_up(
    world, api, django_assert_max_num_queries
):
    initiative = f.InitiativeFactory(product=world.product)
    client = api("admin")
    client.get("/api/v1/initiatives/")  # token and membership caches warm

    with django_assert_max_num_queries(12):
        response = client.patch(
            f"/api/v1/initiatives/{initiative.pk}/",
            {"depends_on": list(range(1, INITIATIVE_LINKS_MAX + 2))},
            format="json",
        )

    assert response.status_code == 400
    assert response.json()["errors"]["depends_on"] == [f"At most {INITIATIVE_LINKS_MAX} items."]
    assert not initiative.depends_on.exists()


def test_the_initiative_service_caps_links_for_the_pages_too(world):
    from roadmap.services.initiatives import initiative_update

    initiative = f.InitiativeFactory(product=world.product)
    others = [f.InitiativeFactory(product=world.product) for _ in range(INITIATIVE_LINKS_MAX + 1)]

    with pytest.raises(Exception, match="At most 100 per initiative"):
        initiative_update(initiative=initiative, data={}, m2m={"depends_on": others})

    assert not initiative.depends_on.exists()


def test_a_bulk_body_over_its_cap_is_a_400_and_the_page_bulk_too(world, api):
    items = [f.BacklogItemFactory(product=world.product, status="new") for _ in range(2)]

    response = api("product_owner").post(
        "/api/v1/items/bulk/", {"items": [{"id": items[0].pk, "title": "x"}] * 501}, format="json"
    )
    page = world.client("product_owner").post(
        reverse("backlog:item_bulk", kwargs={"product_id": world.product.pk}),
        {"ids": [items[0].pk, items[1].pk, *range(10**6, 10**6 + 499)], "status": "ready"},
        follow=True,
    )

    assert response.status_code == 400 and "items" in response.json()["errors"]
    assert "at most 500 items" in page.content.decode()
    assert set(BacklogItem.objects.filter(pk__in=[i.pk for i in items]).values_list("status", flat=True)) == {"new"}


# ---- set-based criteria writes -------------------------------------------------------------------


def test_a_hundred_criteria_are_written_in_a_handful_of_statements(world, django_assert_max_num_queries):
    item = f.BacklogItemFactory(product=world.product)

    # Two of each count are the savepoint of the service's atomic block inside the test's transaction.
    with django_assert_max_num_queries(6):
        item_criteria_sync(item=item, criteria=_criteria(100), actor=world.users["product_owner"])
    existing = list(item.acceptance_criteria.order_by("order"))
    # half changed, half dropped, fifty new
    mixed = [{"id": c.pk, "text": f"{c.text} (changed)", "met": True} for c in existing[:50]] + _criteria(50)
    with django_assert_max_num_queries(8):
        item_criteria_sync(item=item, criteria=mixed, actor=world.users["product_owner"])

    rows = list(item.acceptance_criteria.order_by("order").values_list("order", "text", "met", "version"))
    assert len(rows) == 100 and [r[0] for r in rows] == list(range(1, 101))
    assert rows[0] == (1, "Given 0, then 0 (changed)", True, 2)
    assert rows[50] == (51, "Given 0, then 0", False, 1)
    assert BacklogItem.objects.get(pk=item.pk).has_criteria


def test_criteria_rows_are_validated_one_by_one_with_their_position(world):
    item = f.BacklogItemFactory(product=world.product)

    with pytest.raises(Exception) as caught:
        item_criteria_sync(item=item, criteria=[{"text": "ok"}, {"text": ""}, {"text": "x" * 2001}], actor=None)

    assert caught.value.message_dict["acceptance_criteria"] == [
        "Criterion 2: This field cannot be blank.",
        "Criterion 3: At most 2000 characters.",
    ]
    assert not AcceptanceCriterion.objects.filter(item=item).exists()


def test_an_item_post_with_a_hundred_criteria_costs_the_queries_of_one(world, api):
    client = api("product_owner")
    client.post("/api/v1/items/", {"product": world.product.pk, "title": "warm"}, format="json")
    counts = []
    for n in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/items/",
                {"product": world.product.pk, "title": f"n{n}", "acceptance_criteria": _criteria(n)},
                format="json",
            )
        assert response.status_code == 201
        counts.append(len(queries))
    assert counts[0] == counts[1]


# ---- If-Match on moves and bulk rows -----------------------------------------------------------


def _ranked(product) -> list[str]:
    return list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("title", flat=True))


def test_a_move_with_a_stale_if_match_is_a_412_with_the_current_item_and_moves_nothing(world, api):
    a, b, c = (f.BacklogItemFactory(product=world.product, title=t) for t in "ABC")
    client = api("product_owner")
    client.patch(f"/api/v1/items/{c.pk}/", {"status": "ready"}, format="json")  # c is at version 2 now

    stale = client.post(f"/api/v1/items/{c.pk}/move/", {"position": "top"}, format="json", HTTP_IF_MATCH='"1"')

    assert stale.status_code == 412
    assert stale.json()["current"]["version"] == 2 and stale.json()["current"]["status"] == "ready"
    assert _ranked(world.product) == ["A", "B", "C"]
    fresh = client.post(f"/api/v1/items/{c.pk}/move/", {"position": "top"}, format="json", HTTP_IF_MATCH='"2"')
    assert fresh.status_code == 200 and fresh["ETag"] == '"2"'
    assert _ranked(world.product) == ["C", "A", "B"]
    assert client.post(f"/api/v1/items/{c.pk}/move/", {"after": b.pk}, format="json").status_code == 200
    assert _ranked(world.product) == ["A", "B", "C"] and a.pk


def test_a_bulk_row_with_a_stale_version_is_an_error_of_that_row_and_nothing_is_saved(world, api):
    a = f.BacklogItemFactory(product=world.product, title="A")
    b = f.BacklogItemFactory(product=world.product, title="B")
    BacklogItem.objects.filter(pk=b.pk).update(version=3)
    client = api("product_owner")

    response = client.post(
        "/api/v1/items/bulk/",
        {
            "items": [
                {"id": a.pk, "version": 1, "title": "A2"},
                {"id": b.pk, "version": 2, "title": "B2"},
                {"product": world.product.pk, "title": "New"},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]["items"]) == ["1"]
    assert "version 3" in response.json()["errors"]["items"]["1"]["version"][0]
    assert _ranked(world.product) == ["A", "B"]
    ok = client.post(
        "/api/v1/items/bulk/",
        {"items": [{"id": a.pk, "version": 1, "title": "A2"}, {"id": b.pk, "version": 3, "title": "B2"}]},
        format="json",
    )
    assert ok.status_code == 200 and [i["version"] for i in ok.json()["items"]] == [2, 4]


def test_a_version_on_a_bulk_row_that_creates_or_of_the_wrong_type_is_refused(world, api):
    item = f.BacklogItemFactory(product=world.product, title="A")

    response = api("product_owner").post(
        "/api/v1/items/bulk/",
        {"items": [{"product": world.product.pk, "title": "New", "version": 1}, {"id": item.pk, "version": "1"}]},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]["items"]) == {"0", "1"}
    assert _ranked(world.product) == ["A"]


def test_an_initiative_move_on_the_board_with_a_stale_version_is_a_409(world):
    from roadmap.services.board import initiative_move

    moved = f.InitiativeFactory(product=world.product, horizon="now")
    initiative_move(initiative=moved, actor=None, horizon="next", position="top")  # version 2 now
    url = reverse("roadmap:initiative_move", kwargs={"product_id": world.product.pk, "pk": moved.pk})

    response = world.client("admin").post(url, {"horizon": "later", "position": "top", "version": 1})

    assert response.status_code == 409 and response.json()["errors"]["version"] == 2
    moved.refresh_from_db()
    assert moved.horizon == "next"
    fresh = world.client("admin").post(url, {"horizon": "later", "position": "top", "version": 2})
    assert fresh.status_code == 200 and fresh.json()["version"] == 3


# ---- dates ---------------------------------------------------------------------------------------


WINDOW = "Pick a date between 2000-01-01 and 2100-12-31."


@pytest.mark.parametrize(
    ("resource", "body", "field", "message"),
    [
        ("initiatives", {"start_date": "1999-12-31"}, "start_date", WINDOW),
        ("initiatives", {"end_date": "9999-12-31"}, "end_date", WINDOW),
        (
            "initiatives",
            {"start_date": "2027-01-01", "end_date": "2037-01-02"},
            "end_date",
            "An initiative spans at most 10 years.",
        ),
        ("releases", {"target_date": "2101-01-01"}, "target_date", WINDOW),
        ("sprints", {"end_date": "0001-01-01"}, "end_date", WINDOW),
        (
            "sprints",
            {"start_date": "2027-01-01", "end_date": "2027-04-03"},
            "end_date",
            "A sprint lasts at most 92 days.",
        ),
        (
            "business-cases",
            {"decision_date": "1970-01-01"},
            "decision_date",
            "Pick a date between 2000-01-01 and 2100-12-31.",
        ),
    ],
)
def test_dates_outside_the_window_of_plans_are_a_400(world, api, resource, body, field, message):
    spec = next(r for r in RESOURCES if r.url == resource)
    obj = spec.make(world.product, world.workspace)
    before = obj.__class__.objects.filter(pk=obj.pk).values().get()

    response = api("admin").patch(f"/api/v1/{resource}/{obj.pk}/", body, format="json")

    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"][field] == [message]
    assert obj.__class__.objects.filter(pk=obj.pk).values().get() == before


def test_the_window_holds_on_the_edges(world, api):
    initiative = f.InitiativeFactory(product=world.product)
    url = f"/api/v1/initiatives/{initiative.pk}/"
    client = api("admin")

    assert client.patch(url, {"start_date": "2000-01-01", "end_date": "2010-01-01"}, format="json").status_code == 200
    assert client.patch(url, {"start_date": "2090-12-31", "end_date": "2100-12-31"}, format="json").status_code == 200


def test_the_timeline_reschedule_refuses_a_date_outside_the_window(world):
    initiative = f.InitiativeFactory(product=world.product, start_date=date(2027, 1, 4))
    url = reverse("roadmap:initiative_reschedule", kwargs={"product_id": world.product.pk, "pk": initiative.pk})

    response = world.client("admin").post(url, {"start_date": "2027-01-04", "end_date": "9999-12-31"})

    assert response.status_code == 400 and "end_date" in response.json()["errors"]
    initiative.refresh_from_db()
    assert initiative.end_date is None


def test_the_initiative_form_refuses_a_span_of_more_than_ten_years(world):
    url = reverse("roadmap:initiative_create", kwargs={"product_id": world.product.pk})

    response = world.client("admin").post(
        url,
        {
            "title": "Forever",
            "horizon": "later",
            "status": "proposed",
            "start_date": "2027-01-01",
            "end_date": "2040-01-01",
        },
    )

    assert response.status_code == 200 and "An initiative spans at most 10 years." in response.content.decode()
    assert not Initiative.objects.filter(title="Forever").exists()


def _stored_beyond_the_window(product):
    """Rows written before the window was checked (the model's validation skipped by .update())."""
    wide = f.InitiativeFactory(product=product, title="Always", start_date=date(2027, 1, 1))
    Initiative.objects.filter(pk=wide.pk).update(start_date=date(1, 1, 1), end_date=date(9998, 12, 31))
    late = f.InitiativeFactory(product=product, title="Someday", start_date=date(2027, 1, 1))
    Initiative.objects.filter(pk=late.pk).update(start_date=date(9999, 12, 25), end_date=date(9999, 12, 31))
    open_end = f.InitiativeFactory(product=product, title="Open", start_date=date(2027, 1, 1))
    Initiative.objects.filter(pk=open_end.pk).update(start_date=date(9999, 12, 31))
    release = f.ReleaseFactory(product=product, name="Far")
    Release.objects.filter(pk=release.pk).update(target_date=date(9999, 12, 31))
    f.InitiativeFactory(product=product, title="Now", start_date=date.today(), end_date=date.today() + timedelta(90))


def test_the_timeline_and_the_shared_page_stay_small_whatever_dates_are_stored(world, client):
    _stored_beyond_the_window(world.product)
    _, token = share_link_create(product=world.product, actor=world.users["admin"])

    timeline = world.client("viewer").get(reverse("roadmap:timeline", kwargs={"product_id": world.product.pk}))
    shared = client.get(reverse("roadmap:shared", kwargs={"token": token}))

    for response in (timeline, shared):
        html = response.content.decode()
        assert response.status_code == 200
        assert len(response.content) < 200_000
        assert html.count('class="tl-gridline"') <= 60  # a month a line, in the one lane (no theme)
        assert "Always" in html and "Someday" in html and "Open" in html and "Now" in html
        assert "their bars are cut at its edges" in html


def test_the_timeline_window_is_at_most_five_years_and_keeps_today_in_view():
    from roadmap.selectors.board import timeline_window

    today = date(2026, 6, 15)
    start, end = timeline_window(first=date(1, 1, 1), last=date(9999, 12, 31), today=today)
    assert start == date(2024, 4, 1) and end == date(2029, 4, 1)
    start, end = timeline_window(first=date(2026, 1, 10), last=date(2027, 2, 1), today=today)
    assert start == date(2026, 1, 1) and end == date(2027, 4, 1)


def test_a_legacy_sprint_of_a_century_draws_a_bounded_burndown(world):
    from backlog.selectors.sprint_history import sprint_burndown

    sprint = f.SprintFactory(product=world.product)
    Sprint.objects.filter(pk=sprint.pk).update(start_date=date(9999, 1, 1), end_date=date(9999, 12, 31))
    sprint.refresh_from_db()

    assert len(sprint_burndown(sprint=sprint).days) <= 93
    url = reverse("backlog:sprint_detail", kwargs={"product_id": world.product.pk, "pk": sprint.pk})
    assert world.client("viewer").get(url).status_code == 200


# ---- odd query parameters --------------------------------------------------------------------------

ODD_IDS = ["1.5", "0.0", "1e5", "abc", "99999999999999999999", "-1", "0x10"]


@pytest.mark.parametrize("value", ODD_IDS)
@pytest.mark.parametrize("path", ["/api/v1/items/", "/api/v1/items/export/"])
def test_an_odd_product_id_on_the_items_list_and_export_is_a_400(world, api, path, value):
    response = api("product_owner").get(path, {"product": value}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"]["product"]


def _list_endpoints() -> list[tuple[str, type]]:
    """(path, viewset) of every list endpoint under /api/v1/ with a filterset."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and (pattern.name or "").endswith("-list"):
                cls = getattr(pattern.callback, "cls", None)
                route = prefix + str(pattern.pattern)
                if cls is not None and getattr(cls, "filterset_class", None) and "<" not in route:
                    found.append(
                        ("/" + route.replace("^", "").replace("$", "").replace("\\.(?P<format>[a-z0-9]+)/?", ""), cls)
                    )

    walk(get_resolver().url_patterns, "")
    return sorted({(path.rstrip("/") + "/", cls) for path, cls in found if path.startswith("/api/v1/")}, key=str)


def _integer_filters(cls) -> list[str]:
    return [
        name
        for name, spec in cls.filterset_class.base_filters.items()
        if isinstance(spec, ModelChoiceFilter | NumberFilter) or type(spec).__name__ == "IdFilter"
    ]


def test_every_integer_filter_of_every_list_endpoint_answers_odd_values_with_a_400(world, api):
    client = api("admin")
    endpoints = _list_endpoints()
    checked = []

    for path, cls in endpoints:
        for name in _integer_filters(cls):
            for value in ODD_IDS:
                response = client.get(path, {name: value})
                assert response.status_code == 400, (path, name, value, response.status_code, response.content[:200])
                assert name in response.json()["errors"], (path, name, value)
                checked.append((path, name))

    paths = {path for path, _ in checked}
    assert {"/api/v1/items/", "/api/v1/initiatives/", "/api/v1/sprints/", "/api/v1/releases/"} <= paths
    assert len(set(checked)) >= 20


# ---- the retry on conflict -----------------------------------------------------------------------


def _deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = pg_errors.DeadlockDetected("deadlock detected")
    return error


def test_a_transaction_aborted_by_a_deadlock_runs_again(transactional_db, monkeypatch):
    monkeypatch.setattr(core_db.time, "sleep", lambda seconds: None)
    runs = []

    @core_db.retry_on_conflict
    def write():
        runs.append(connection.in_atomic_block)
        f.WorkspaceFactory(name=f"W{len(runs)}")
        if len(runs) < 3:
            raise _deadlock()
        return "done"

    assert write() == "done"
    assert runs == [True, True, True]  # each run in a transaction of its own
    from workspaces.models import Workspace

    assert list(Workspace.objects.values_list("name", flat=True)) == ["W3"]  # the aborted runs left nothing


def test_the_retry_gives_up_after_its_attempts_and_never_retries_other_errors(transactional_db, monkeypatch):
    monkeypatch.setattr(core_db.time, "sleep", lambda seconds: None)
    runs = []

    @core_db.retry_on_conflict(attempts=3)
    def always_deadlocked():
        runs.append(1)
        raise _deadlock()

    @core_db.retry_on_conflict
    def broken():
        runs.append(2)
        raise OperationalError("no such column")

    with pytest.raises(OperationalError, match="deadlock"):
        always_deadlocked()
    with pytest.raises(OperationalError, match="no such column"):
        broken()
    assert runs == [1, 1, 1, 2]


def test_inside_a_transaction_the_retry_runs_once_and_leaves_the_error_to_the_caller(transactional_db):
    runs = []

    @core_db.retry_on_conflict
    def write():
        runs.append(1)
        raise _deadlock()

    with pytest.raises(OperationalError), transaction.atomic():
        write()
    assert runs == [1]


def test_a_real_deadlock_is_detected_and_run_again(postgres, transactional_db, monkeypatch):
    """Two transactions lock two rows in opposite orders: PostgreSQL aborts one, which runs again."""
    first, second = f.WorkspaceFactory(name="one"), f.WorkspaceFactory(name="two")
    from workspaces.models import Workspace

    both_locked_one = threading.Barrier(2)
    results, errors = [], []

    def work(order):
        attempts = []

        @core_db.retry_on_conflict
        def lock_both():
            attempts.append(1)
            Workspace.objects.select_for_update().get(pk=order[0].pk)
            if len(attempts) == 1:
                both_locked_one.wait(timeout=10)
            Workspace.objects.select_for_update().get(pk=order[1].pk)
            return len(attempts)

        try:
            results.append(lock_both())
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(results) == [1, 2]  # one ran once; the deadlocked one ran again

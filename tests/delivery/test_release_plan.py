"""The release plan, the release page, forecasts on pages and in the API, and launch checklists: figures,
roles, isolation and query counts."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from backlog.models import BacklogItem
from delivery.models import LaunchTask
from delivery.selectors.release_plan import release_plan
from roadmap.services.releases import release_baseline_set
from tests import factories as f

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _history(product, per_day=2, days=90):
    """Items finished over the last `days` days, `per_day` a day."""
    today = timezone.localdate()
    for d in range(1, days + 1):
        for _ in range(per_day):
            item = f.BacklogItemFactory(product=product, status="done", story_points=1)
            when = timezone.make_aware(
                timezone.datetime.combine(today - timedelta(days=d), timezone.datetime.min.time())
            )
            BacklogItem.objects.filter(pk=item.pk).update(done_at=when + timedelta(hours=12))


def _release_with_items(product, name, days_ahead, count, points=3):
    release = f.ReleaseFactory(
        product=product, name=name, target_date=timezone.localdate() + timedelta(days=days_ahead)
    )
    for _ in range(count):
        f.BacklogItemFactory(product=product, release=release, story_points=points)
    return release


def test_the_plan_forecasts_releases_in_order_and_says_what_is_at_risk(world):
    _history(world.product, per_day=2)
    soon = _release_with_items(world.product, "R1", 30, 20)  # after R2: 41 items at 2 a day take 21 days
    late = _release_with_items(world.product, "R2", 8, 20)  # first by target: 20 items take 10 days, target in 8
    release_baseline_set(release=soon, actor=None)
    f.BacklogItemFactory(product=world.product, release=soon, story_points=5)
    LaunchTask.objects.create(release=soon, title="Docs", due_date=timezone.localdate() - timedelta(days=1))
    rows = {row.release.name: row for row in release_plan(product=world.product, seed=1)}
    assert (rows["R1"].items, rows["R1"].points, rows["R1"].scope_change_points, rows["R1"].scope_change_items) == (
        21,
        65,
        5,
        1,
    )
    assert (rows["R1"].risk, rows["R2"].risk) == ("low", "high")
    assert (rows["R1"].remaining_before, rows["R2"].remaining_before) == (41, 20)
    assert rows["R1"].p85 == timezone.localdate() + timedelta(days=21)
    assert late.pk in [r.release.pk for r in rows.values()]
    assert (rows["R1"].readiness.total, rows["R1"].readiness.overdue) == (1, 1)


def test_the_release_page_lists_its_initiatives_and_items(world):
    release = _release_with_items(world.product, "Spring", 30, 2)
    initiative = f.InitiativeFactory(product=world.product, release=release, title="One-click checkout")
    via_initiative = f.BacklogItemFactory(product=world.product, initiative=initiative, title="Pay with saved card")
    page = world.client("viewer").get(
        reverse("roadmap:release_detail", kwargs={"product_id": world.product.pk, "pk": release.pk})
    )
    html = page.content.decode()
    assert "One-click checkout" in html and via_initiative.title in html and "3</strong> items" in html


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_plan_forecast_and_checklist_pages_by_role(world, role):
    release = _release_with_items(world.product, "R1", 30, 2)
    epic = f.BacklogItemFactory(product=world.product, kind="epic")
    client = world.client(role)
    kw = {"product_id": world.product.pk}
    urls = [
        reverse("delivery:release_plan", kwargs=kw),
        reverse("delivery:forecast", kwargs=kw) + f"?scope=release&id={release.pk}",
        reverse("delivery:forecast", kwargs=kw) + f"?scope=epic&id={epic.pk}",
        reverse("delivery:forecast", kwargs=kw) + "?scope=top&top=5",
        reverse("delivery:checklist", kwargs={**kw, "release_id": release.pk}),
        reverse("delivery:outcome_summary", kwargs=kw),
    ]
    for url in urls:
        assert client.get(url).status_code == (404 if role == "outsider" else 200), url
    add = reverse("delivery:checklist_add", kwargs={**kw, "release_id": release.pk})
    response = client.post(add, {"title": "Support trained", "area": "support"})
    expected = 404 if role == "outsider" else 200 if role in ("admin", "product_manager") else 403
    assert response.status_code == expected
    assert LaunchTask.objects.filter(release=release).count() == (1 if expected == 200 else 0)


def test_another_workspaces_release_or_epic_is_not_found(world):
    theirs = f.ReleaseFactory(product=world.other_product)
    client = world.client("admin")
    url = reverse("delivery:forecast", kwargs={"product_id": world.product.pk})
    assert client.get(url + f"?scope=release&id={theirs.pk}").status_code == 404
    assert client.get(url + "?scope=release").status_code == 400
    assert (
        _api(world.users["admin"])
        .get(f"/api/v1/products/{world.product.pk}/forecast/", {"scope": "release", "id": theirs.pk})
        .status_code
        == 404
    )
    assert _api(world.outsider).get(f"/api/v1/products/{world.product.pk}/release-plan/").status_code == 404
    LaunchTask.objects.create(release=theirs, title="Theirs")
    assert _api(world.users["viewer"]).get("/api/v1/launch-tasks/").json()["results"] == []


def test_the_forecast_api_states_caveats_and_percentiles(world):
    _history(world.product, per_day=1, days=3)  # 3 items in 90 days: a thin history
    release = _release_with_items(world.product, "R1", 30, 4)
    body = (
        _api(world.users["viewer"])
        .get(
            f"/api/v1/products/{world.product.pk}/forecast/",
            {
                "scope": "release",
                "id": release.pk,
                "growth_max": "1.3",
                "by": str(timezone.localdate() + timedelta(days=7)),
            },
        )
        .json()
    )
    assert body["remaining"] == 4 and body["finished_in_window"] == 3 and body["trials"] == 10_000
    assert [p["p"] for p in body["percentiles"]] == [50, 85, 95] and all(p["date"] for p in body["percentiles"])
    assert any("rough guess" in c for c in body["caveats"]) and any("grow" in c for c in body["caveats"])
    empty = f.ProductFactory(workspace=world.workspace)
    body = _api(world.users["viewer"]).get(f"/api/v1/products/{empty.pk}/forecast/", {"scope": "top"}).json()
    assert body["percentiles"][0]["date"] is not None or "Nothing left" in body["caveats"][0]


def test_checklist_from_the_template_through_the_api(world):
    release = _release_with_items(world.product, "R1", 30, 1)
    client = _api(world.users["product_manager"])
    made = client.post("/api/v1/launch-tasks/from-template/", {"release": release.pk}, format="json").json()
    assert len(made) == 5 and all(t["due_date"] for t in made)
    again = client.post("/api/v1/launch-tasks/from-template/", {"release": release.pk}, format="json").json()
    assert again == []
    assert (
        _api(world.users["viewer"])
        .post("/api/v1/launch-tasks/from-template/", {"release": release.pk}, format="json")
        .status_code
        == 403
    )


def _count(client, url) -> int:
    cache.clear()  # the figures cached by an earlier visit (core.figures): count the page computing them
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_release_plan_keeps_its_query_count_as_releases_and_items_grow(world):
    client = world.client("viewer")
    page = reverse("delivery:release_plan", kwargs={"product_id": world.product.pk})
    api = _api(world.users["viewer"])
    for n in range(3):
        _release_with_items(world.product, f"R{n}", 10 + n, 3)
    small_page = _count(client, page)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        api.get(f"/api/v1/products/{world.product.pk}/release-plan/")
    small_api = len(ctx.captured_queries)
    for n in range(3, 24):
        release = _release_with_items(world.product, f"R{n}", 10 + n, 3)
        LaunchTask.objects.create(release=release, title="Docs")
    assert _count(client, page) == small_page
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        rows = api.get(f"/api/v1/products/{world.product.pk}/release-plan/").json()
    assert len(ctx.captured_queries) == small_api and len(rows) == 24

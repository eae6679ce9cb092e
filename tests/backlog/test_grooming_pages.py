"""Backlog grooming and sprint pages: roles, isolation, stale writes, bulk actions, review and query counts."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import AcceptanceCriterion, BacklogItem
from backlog.selectors.sprint_history import sprint_burndown
from backlog.selectors.sprints import story_quality_hints
from backlog.services.items import item_bulk_update
from backlog.services.sprints import item_accept
from core.exceptions import ApplicationError
from tests import factories as f

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]
ITEMS = {"admin", "product_manager", "product_owner", "contributor"}
SPRINTS = {"admin", "product_owner"}


def _url(name, world, other=False, **kw):
    return reverse(f"backlog:{name}", kwargs={"product_id": (world.other_product if other else world.product).pk, **kw})


def _inline_data(item, **changes):
    data = {"title": item.title, "status": item.status, "moscow": "", "story_points": "", "version": item.version}
    return {**data, **changes}


@pytest.mark.parametrize("role", ROLES)
def test_inline_edit_is_for_item_editors(world, role):
    item = f.BacklogItemFactory(product=world.product, title="Pay by link")
    client = world.client(role)
    form = client.get(_url("item_inline", world, pk=item.pk))
    save = client.post(_url("item_inline", world, pk=item.pk), _inline_data(item, title="Pay by QR", story_points="5"))
    item.refresh_from_db()
    if role in ITEMS:
        assert (form.status_code, save.status_code) == (200, 200)
        assert (item.title, item.story_points, item.version) == ("Pay by QR", 5, 2)
        assert f'id="item-{item.pk}"' in save.content.decode()
    else:
        assert (form.status_code, save.status_code) == (403, 403)
        assert (item.title, item.version) == ("Pay by link", 1)
    assert client.get(_url("item_row", world, pk=item.pk)).status_code == 200


def test_inline_edit_of_an_older_version_is_refused_with_the_newer_values(world):
    item = f.BacklogItemFactory(product=world.product, title="Pay by link", story_points=3)
    client = world.client("contributor")
    loaded = item.version
    # Someone else saves first.
    first = client.post(_url("item_inline", world, pk=item.pk), _inline_data(item, title="Pay by QR", story_points="3"))
    assert first.status_code == 200
    late = client.post(
        _url("item_inline", world, pk=item.pk),
        _inline_data(item, title="Pay by card", story_points="8", version=loaded),
    )
    page = late.content.decode()
    item.refresh_from_db()
    assert (item.title, item.story_points) == ("Pay by QR", 3)  # nothing overwritten
    assert "someone else saved this item meanwhile" in page and "Pay by QR" in page and "Pay by card" in page
    assert f'name="version" value="{item.version}"' in page  # the editor now holds the newer copy


def test_inline_edit_shows_field_errors_and_saves_nothing(world):
    item = f.BacklogItemFactory(product=world.product, title="Pay by link")
    response = world.client("contributor").post(
        _url("item_inline", world, pk=item.pk), _inline_data(item, title="", confidence="150")
    )
    assert response.status_code == 200 and "error" in response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.version) == ("Pay by link", 1)


def test_a_contributor_cannot_accept_work_through_inline_edit(world):
    item = f.BacklogItemFactory(product=world.product, status="done")
    world.client("contributor").post(_url("item_inline", world, pk=item.pk), _inline_data(item, status="accepted"))
    item.refresh_from_db()
    assert item.status == "done"


def test_grooming_endpoints_are_not_found_for_another_workspace(world):
    theirs = f.BacklogItemFactory(product=world.other_product, title="Theirs")
    their_sprint = f.SprintFactory(product=world.other_product)
    criterion = f.CriterionFactory(item=theirs)
    client = world.client("admin")
    for name, kw in [
        ("item_inline", {"pk": theirs.pk}),
        ("item_row", {"pk": theirs.pk}),
        ("item_story", {"pk": theirs.pk}),
        ("item_accept", {"pk": theirs.pk}),
        ("item_reject", {"pk": theirs.pk}),
        ("criterion_move", {"pk": criterion.pk}),
        ("sprint_plan", {"pk": their_sprint.pk}),
        ("sprint_plan_item", {"pk": their_sprint.pk}),
    ]:
        assert (
            client.post(_url(name, world, **kw), {"title": "Mine", "direction": "up", "reason": "x"}).status_code == 404
        )
        assert client.get(_url(name, world, other=True, **kw)).status_code in (404, 405)
    # Planning their item into our sprint is not found either.
    ours = f.SprintFactory(product=world.product)
    response = client.post(_url("sprint_plan_item", world, pk=ours.pk), {"item": theirs.pk, "target": "sprint"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.sprint_id) == ("Theirs", None)


@pytest.mark.parametrize("role", ROLES)
def test_bulk_actions_are_for_item_editors(world, role):
    sprint = f.SprintFactory(product=world.product)
    items = [f.BacklogItemFactory(product=world.product) for _ in range(3)]
    response = world.client(role).post(
        _url("item_bulk", world), {"ids": [items[0].pk, items[2].pk], "sprint": sprint.pk, "status": "ready"}
    )
    planned = set(BacklogItem.objects.filter(sprint=sprint).values_list("pk", flat=True))
    if role in ITEMS:
        assert response.status_code == 302
        assert planned == {items[0].pk, items[2].pk}
        assert set(BacklogItem.objects.filter(status="ready").values_list("pk", flat=True)) == planned
    else:
        assert response.status_code == 403 and planned == set()


def test_bulk_actions_ignore_another_workspaces_items(world):
    ours = f.BacklogItemFactory(product=world.product)
    theirs = f.BacklogItemFactory(product=world.other_product, status="new")
    count = item_bulk_update(
        product=world.product, item_ids=[ours.pk, theirs.pk], data={"status": "ready"}, actor=world.users["contributor"]
    )
    theirs.refresh_from_db()
    assert count == 1 and theirs.status == "new"
    their_sprint = f.SprintFactory(product=world.other_product)
    response = world.client("admin").post(_url("item_bulk", world), {"ids": [ours.pk], "sprint": their_sprint.pk})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.sprint_id is None


def test_bulk_accept_needs_the_product_owner(world):
    item = f.BacklogItemFactory(product=world.product, status="done")
    with pytest.raises(Exception, match="product owner"):
        item_bulk_update(
            product=world.product, item_ids=[item.pk], data={"status": "accepted"}, actor=world.users["contributor"]
        )
    item.refresh_from_db()
    assert item.status == "done"


@pytest.mark.parametrize("role", ROLES)
def test_story_editor_and_criteria_order_are_for_item_editors(world, role):
    item = f.BacklogItemFactory(product=world.product)
    _first, second = (
        f.CriterionFactory(item=item, order=1, text="first"),
        f.CriterionFactory(item=item, order=2, text="second"),
    )
    client = world.client(role)
    story = client.post(
        _url("item_story", world, pk=item.pk),
        {"as_a": "shop owner", "i_want": "refunds", "so_that": "customers trust us", "version": item.version},
    )
    move = client.post(_url("criterion_move", world, pk=second.pk), {"direction": "up"})
    item.refresh_from_db()
    order = list(AcceptanceCriterion.objects.filter(item=item).order_by("order").values_list("text", flat=True))
    if role in ITEMS:
        assert (story.status_code, move.status_code) == (302, 302)
        assert item.so_that == "customers trust us" and order == ["second", "first"]
    else:
        assert (story.status_code, move.status_code) == (403, 403)
        assert item.so_that == "" and order == ["first", "second"]


def test_story_hints_follow_invest(world):
    f.SprintFactory(product=world.product, capacity_points=8)
    item = f.BacklogItemFactory(product=world.product, as_a="shop owner", i_want="refunds", story_points=13)
    page = world.client("viewer").get(_url("item_detail", world, pk=item.pk)).content.decode()
    assert "No “so that”" in page and "No acceptance criteria" in page and "do not fit a sprint of 8" in page
    item.so_that, item.story_points = "customers trust us", 5
    item.save()
    f.CriterionFactory(item=item)
    assert story_quality_hints(item=item, criteria_count=1, sprint_capacity=8) == []


@pytest.mark.parametrize("role", ROLES)
def test_sprint_planning_is_read_by_all_and_changed_by_the_product_owner(world, role):
    sprint = f.SprintFactory(product=world.product, capacity_points=10)
    item = f.BacklogItemFactory(product=world.product, story_points=4)
    client = world.client(role)
    assert client.get(_url("sprint_plan", world, pk=sprint.pk)).status_code == 200
    response = client.post(
        _url("sprint_plan_item", world, pk=sprint.pk),
        {"item": item.pk, "target": "sprint"},
        HTTP_ACCEPT="application/json",
    )
    item.refresh_from_db()
    if role in SPRINTS:
        assert response.status_code == 200 and response.json()["capacity"]["planned"] == 4
        assert "4</strong> of 10 points planned" in response.json()["capacity_html"]
        assert item.sprint_id == sprint.pk
    else:
        assert response.status_code == 403 and item.sprint_id is None


def test_a_closed_sprint_takes_no_more_work(world):
    sprint = f.SprintFactory(product=world.product, status="closed")
    item = f.BacklogItemFactory(product=world.product)
    response = world.client("product_owner").post(
        _url("sprint_plan_item", world, pk=sprint.pk),
        {"item": item.pk, "target": "sprint"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "closed" in response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_accept_and_reject_are_for_the_product_owner(world, role):
    sprint = f.SprintFactory(product=world.product)
    good = f.BacklogItemFactory(product=world.product, sprint=sprint, status="done", story_points=3)
    bad = f.BacklogItemFactory(product=world.product, sprint=sprint, status="done", story_points=2)
    client = world.client(role)
    accept = client.post(_url("item_accept", world, pk=good.pk))
    reject = client.post(_url("item_reject", world, pk=bad.pk), {"reason": "No receipt sent."})
    good.refresh_from_db()
    bad.refresh_from_db()
    if role in SPRINTS:
        assert (accept.status_code, reject.status_code) == (302, 302)
        assert good.status == "accepted" and good.done_at is not None
        assert (bad.status, bad.sprint_id, bad.rejection_reason, bad.done_at) == (
            "rejected",
            None,
            "No receipt sent.",
            None,
        )
    else:
        assert (accept.status_code, reject.status_code) == (403, 403)
        assert (good.status, bad.status, bad.sprint_id) == ("done", "done", sprint.pk)


def test_rejecting_needs_a_reason_and_only_finished_work_is_reviewed(world):
    item = f.BacklogItemFactory(product=world.product, status="done")
    response = world.client("product_owner").post(_url("item_reject", world, pk=item.pk), {"reason": "  "})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    open_item = f.BacklogItemFactory(product=world.product, status="in_progress")
    with pytest.raises(ApplicationError):
        item_accept(item=open_item, actor=None)


def test_burndown_of_a_sprint_started_before_the_ledger_counts_points_down_from_its_items(world):
    start = date(2027, 1, 4)
    sprint = f.SprintFactory(
        product=world.product, start_date=start, end_date=start + timedelta(days=9), status="active"
    )
    a = f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=5)
    b = f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=3)
    f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=2)

    def day(n):
        return timezone.make_aware(datetime.combine(start + timedelta(days=n), time(12)))

    BacklogItem.objects.filter(pk=a.pk).update(status="done", done_at=day(1))
    BacklogItem.objects.filter(pk=b.pk).update(status="accepted", done_at=day(3))
    chart = sprint_burndown(sprint=sprint, today=start + timedelta(days=4))
    assert chart.total == 10 and chart.remaining == 2
    ys = [float(p.split(",")[1]) for p in chart.actual.split()]
    assert len(ys) == 5  # one point a day up to today
    remaining = [10, 5, 5, 2, 2]
    top = chart.y_ticks[-1][1]
    bottom = chart.y_ticks[0][1]
    assert [round(10 * (bottom - y) / (bottom - top)) for y in ys] == remaining


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(product, sprint, count):
    epic = f.BacklogItemFactory(product=product, kind="epic")
    for n in range(count):
        item = f.BacklogItemFactory(
            product=product,
            parent=epic if n % 3 == 0 else None,
            sprint=sprint if n % 2 else None,
            story_points=n % 8 + 1,
        )
        f.CriterionFactory(item=item, met=bool(n % 2))


def test_backlog_and_sprint_pages_keep_their_query_count_as_items_grow(world, django_assert_max_num_queries):
    sprint = f.SprintFactory(product=world.product, capacity_points=40)
    client = world.client("product_owner")
    urls = {
        "backlog": _url("item_list", world),
        "plan": _url("sprint_plan", world, pk=sprint.pk),
        "sprint": _url("sprint_detail", world, pk=sprint.pk),
    }
    _grow(world.product, sprint, 20)
    counts = {name: _queries(client, url) for name, url in urls.items()}
    _grow(world.product, sprint, 25)
    for name, url in urls.items():
        with django_assert_max_num_queries(counts[name]):
            assert client.get(url).status_code == 200
    assert client.get(urls["backlog"]).content.decode().count('class="item-row') == 47
    assert max(counts.values()) <= 21, counts  # 20 + 1: the label chip's choices


def test_the_full_edit_form_refuses_a_stale_save_and_lists_the_newer_values(world):
    item = f.BacklogItemFactory(product=world.product, title="Pay by link", kind="story", status="new")
    client = world.client("contributor")
    url = _url("item_edit", world, pk=item.pk)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    data = {"kind": "story", "title": "Pay by card", "status": "new", "version": 1}
    # Someone else saves first.
    client.post(url, {**data, "title": "Pay by QR", "version": 1})
    refused = client.post(url, data)
    item.refresh_from_db()
    page = refused.content.decode()
    assert refused.status_code == 200 and item.title == "Pay by QR"
    assert "Saved meanwhile" in page and "Pay by QR" in page
    assert 'name="version" value="2"' in page  # saving again is now a deliberate choice
    again = client.post(url, {**data, "version": 2})
    item.refresh_from_db()
    assert again.status_code == 302 and item.title == "Pay by card"


def test_dragging_is_off_while_the_backlog_is_sorted_by_a_score(world):
    f.BacklogItemFactory(product=world.product)
    client = world.client("product_owner")
    assert "data-move-handle" in client.get(_url("item_list", world)).content.decode()
    sorted_page = client.get(_url("item_list", world) + "?ordering=-rice_score").content.decode()
    assert "data-move-handle" not in sorted_page and "clear the sort to reorder" in sorted_page

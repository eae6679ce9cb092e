"""Sprint start (baseline), the ledger every item path writes, burndown from history, and completion with carry-over."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from backlog.models import BacklogItem, Sprint, SprintScopeChange
from backlog.selectors.sprint_history import sprint_burndown, sprint_date_warnings, sprint_review
from backlog.services.items import item_bulk_update, item_delete, item_update, items_bulk_save
from backlog.services.sprints import item_accept, item_reject, sprint_complete, sprint_plan_item, sprint_start
from core.exceptions import ApplicationError
from tests import factories as f

START = date(2027, 1, 4)


def _at(day: int):
    return timezone.make_aware(datetime.combine(START + timedelta(days=day), time(12)))


def _sprint(world, **kwargs):
    return f.SprintFactory(product=world.product, start_date=START, end_date=START + timedelta(days=9), **kwargs)


def _ledger(sprint):
    return list(SprintScopeChange.objects.filter(sprint=sprint).values_list("kind", "scope_points", "done_points"))


def _on_day(sprint, day: int):
    """Date the ledger entries not dated yet on `day` of the sprint (the services stamp them now, in 2026)."""
    SprintScopeChange.objects.filter(sprint=sprint, at__lt=_at(0)).update(at=_at(day))


def test_start_records_the_baseline_and_allows_one_active_sprint_per_product(world):
    po = world.users["product_owner"]
    sprint = _sprint(world)
    f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=5)
    f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=3, status="done")
    sprint = sprint_start(sprint=sprint, actor=po)
    assert sprint.status == "active" and sprint.started_at is not None
    assert sorted(_ledger(sprint)) == [("baseline", 3, 3), ("baseline", 5, 0)]

    second = f.SprintFactory(product=world.product, start_date=START + timedelta(days=14))
    with pytest.raises(ApplicationError, match="still active"):
        sprint_start(sprint=second, actor=po)
    assert Sprint.objects.get(pk=second.pk).status == "planned"
    world.product.allow_parallel_sprints = True
    world.product.save()
    assert sprint_start(sprint=second, actor=po).status == "active"
    with pytest.raises(ApplicationError, match="Only a planned sprint"):
        sprint_start(sprint=second, actor=po)


def test_every_item_path_writes_the_ledger_of_an_active_sprint(world):
    po, dev = world.users["product_owner"], world.users["contributor"]
    sprint = _sprint(world)
    a = f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=5)
    b = f.BacklogItemFactory(product=world.product, story_points=3)
    c = f.BacklogItemFactory(product=world.product, story_points=2)
    d = f.BacklogItemFactory(product=world.product, story_points=1)
    sprint_start(sprint=sprint, actor=po)

    item_update(item=a, data={"story_points": 8}, actor=dev)  # edit form, PATCH
    sprint_plan_item(item=b, sprint=sprint, actor=po)  # planning board
    item_bulk_update(product=world.product, item_ids=[c.pk], data={"sprint": sprint}, actor=po)  # bulk change
    items_bulk_save(rows=[{"item": d, "data": {"sprint": sprint}, "version": None}], actor=dev)  # bulk save, import
    item_update(item=BacklogItem.objects.get(pk=c.pk), data={"status": "done"}, actor=dev)
    item_delete(item=BacklogItem.objects.get(pk=d.pk), actor=dev)
    item_update(item=BacklogItem.objects.get(pk=b.pk), data={"sprint": None}, actor=po)

    assert _ledger(sprint) == [
        ("baseline", 5, 0),
        ("reestimated", 3, 0),
        ("added", 3, 0),
        ("added", 2, 0),
        ("added", 1, 0),
        ("completed", 0, 2),
        ("removed", -1, 0),
        ("removed", -3, 0),
    ]
    # A planned sprint keeps no ledger: its scope is still a plan.
    planned = f.SprintFactory(product=world.product, start_date=START + timedelta(days=20))
    item_update(item=BacklogItem.objects.get(pk=b.pk), data={"sprint": planned}, actor=po)
    assert _ledger(planned) == []


def test_burndown_comes_from_the_history_with_rejection_and_re_estimate_and_a_closed_sprint_keeps_it(world):
    po, dev = world.users["product_owner"], world.users["contributor"]
    sprint = _sprint(world)
    items = [f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=p) for p in (10, 8, 7, 5)]
    sprint = sprint_start(sprint=sprint, actor=po)
    _on_day(sprint, 0)
    a, b, c, d = items
    # Day 1: a is done. Day 2: b is done, then rejected (it leaves the sprint, not its scope).
    item_update(item=a, data={"status": "done"}, actor=dev)
    _on_day(sprint, 1)
    item_update(item=b, data={"status": "done"}, actor=dev)
    item_reject(item=BacklogItem.objects.get(pk=b.pk), reason="No order number in the mail.", actor=po)
    _on_day(sprint, 2)
    # Day 3: c is re-estimated from 7 to 9; a new item of 4 points is added.
    item_update(item=c, data={"story_points": 9}, actor=dev)
    e = f.BacklogItemFactory(product=world.product, story_points=4)
    sprint_plan_item(item=e, sprint=sprint, actor=po)
    _on_day(sprint, 3)
    item_accept(item=BacklogItem.objects.get(pk=a.pk), actor=po)  # done → accepted: no change in points

    chart = sprint_burndown(sprint=sprint, today=START + timedelta(days=4))
    assert chart.from_history and chart.total == 30
    assert [(d.scope, d.done, d.remaining) for d in chart.series] == [
        (30, 0, 30),
        (30, 10, 20),
        (30, 10, 20),  # b was finished and rejected the same day: still to do
        (36, 10, 26),
        (36, 10, 26),
    ]
    assert (chart.added, chart.removed, chart.reestimated, chart.scope_creep) == (4, 0, 2, 6)
    assert len(chart.actual.split()) == 5 and chart.scope_line and chart.done_line

    next_one = f.SprintFactory(product=world.product, start_date=START + timedelta(days=14))
    sprint_complete(sprint=sprint, carry_over="next", actor=po)
    _on_day(sprint, 9)
    Sprint.objects.filter(pk=sprint.pk).update(completed_at=_at(9))
    sprint.refresh_from_db()
    assert (sprint.status, sprint.committed_points, sprint.completed_points, sprint.carried_over_points) == (
        "closed",
        30,
        10,
        18,  # c (9 points) and d (5) and e (4) carried over
    )
    assert set(BacklogItem.objects.filter(sprint=next_one).values_list("pk", flat=True)) == {c.pk, d.pk, e.pk}
    before = [(x.scope, x.done) for x in sprint_burndown(sprint=sprint, today=START + timedelta(days=30)).series]
    # After the close, work on the carried items changes the next sprint, never this chart.
    sprint_start(sprint=next_one, actor=po)
    item_update(item=BacklogItem.objects.get(pk=c.pk), data={"status": "done", "story_points": 13}, actor=dev)
    after = [(x.scope, x.done) for x in sprint_burndown(sprint=sprint, today=START + timedelta(days=30)).series]
    assert after == before and before[-1] == (36, 10)

    review = sprint_review(sprint=sprint)
    assert [i.pk for i in review.accepted] == [a.pk]
    assert [(i.pk, i.rejection_reason) for i in review.rejected] == [(b.pk, "No order number in the mail.")]
    assert {i.pk for i in review.carried_over} == {c.pk, d.pk, e.pk}
    assert "Committed 30 points, completed 10." in review.summary and "No order number" in review.summary


@pytest.mark.parametrize("carry_over", ["new", "backlog"])
def test_complete_moves_unfinished_work_in_one_step(world, carry_over):
    po = world.users["product_owner"]
    sprint = _sprint(world, name="Sprint 4")
    done = f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=3, status="done")
    open_ = f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=5, status="in_progress")
    sprint_start(sprint=sprint, actor=po)
    sprint_complete(sprint=sprint, carry_over=carry_over, actor=po)
    open_.refresh_from_db()
    done.refresh_from_db()
    assert done.sprint_id == sprint.pk
    if carry_over == "new":
        new = Sprint.objects.get(name="Sprint 4 (continued)")
        assert open_.sprint_id == new.pk and new.start_date == START + timedelta(days=10) and new.status == "planned"
    else:
        assert open_.sprint_id is None
    assert ("carried_over", 0, 0) in _ledger(sprint)


def test_complete_without_a_next_sprint_is_refused_and_changes_nothing(world):
    po = world.users["product_owner"]
    sprint = _sprint(world)
    item = f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=5)
    sprint_start(sprint=sprint, actor=po)
    with pytest.raises(Exception, match="no planned sprint"):
        sprint_complete(sprint=sprint, carry_over="next", actor=po)
    item.refresh_from_db()
    assert item.sprint_id == sprint.pk and Sprint.objects.get(pk=sprint.pk).status == "active"


def test_dates_that_contradict_the_status_are_flagged(world):
    today = START + timedelta(days=20)
    over = _sprint(world, status="active")
    assert "still active" in sprint_date_warnings(sprint=over, today=today)[0]
    late = f.SprintFactory(
        product=world.product, start_date=today - timedelta(days=1), end_date=today + timedelta(days=9)
    )
    assert "has not started" in sprint_date_warnings(sprint=late, today=today)[0]
    assert sprint_date_warnings(sprint=late, today=today - timedelta(days=5)) == []


def test_status_is_not_typed_in_through_the_api_or_form(world):
    sprint = _sprint(world)
    client = APIClient()
    client.force_authenticate(world.users["product_owner"])
    response = client.patch(f"/api/v1/sprints/{sprint.pk}/", {"status": "closed"}, format="json")
    assert response.status_code == 400
    assert Sprint.objects.get(pk=sprint.pk).status == "planned"


SPRINT_ROLES = {"admin": 200, "product_owner": 200, "product_manager": 403, "contributor": 403, "viewer": 403}


@pytest.mark.parametrize("role", [*SPRINT_ROLES, "executive", "outsider"])
def test_start_and_complete_through_the_api_by_role(world, role):
    sprint = _sprint(world)
    f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=2)
    client = APIClient()
    client.force_authenticate(world.outsider if role == "outsider" else world.users[role])
    expected = {"outsider": 404}.get(role, SPRINT_ROLES.get(role, 403))
    response = client.post(f"/api/v1/sprints/{sprint.pk}/start/")
    assert response.status_code == expected
    assert Sprint.objects.get(pk=sprint.pk).status == ("active" if expected == 200 else "planned")
    if expected == 200:
        response = client.post(f"/api/v1/sprints/{sprint.pk}/complete/", {"carry_over": "backlog"}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "closed"
        chart = client.get(f"/api/v1/sprints/{sprint.pk}/burndown/").json()
        assert chart["committed"] == 2 and chart["from_history"] is True
        review = client.get(f"/api/v1/sprints/{sprint.pk}/review/").json()
        assert len(review["carried_over"]) == 1


def test_the_completion_dialog_lists_unfinished_items_and_moves_them(world):
    po = world.users["product_owner"]
    sprint = _sprint(world)
    item = f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=5, title="Refund mail")
    sprint_start(sprint=sprint, actor=po)
    url = reverse("backlog:sprint_complete", kwargs={"product_id": world.product.pk, "pk": sprint.pk})
    client = world.client("product_owner")
    page = client.get(url).content.decode()
    assert "Refund mail" in page and "none planned yet" in page
    assert world.client("contributor").get(url).status_code == 403
    assert world.client("outsider").get(url).status_code == 404
    response = client.post(url, {"carry_over": "next"})
    assert response.status_code == 400 and "no planned sprint" in response.content.decode()
    response = client.post(url, {"carry_over": "backlog"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.sprint_id is None
    review = client.get(reverse("backlog:sprint_review", kwargs={"product_id": world.product.pk, "pk": sprint.pk}))
    assert "Refund mail" in review.content.decode()


def test_a_rejected_item_planned_back_into_its_sprint_counts_once_in_its_scope(world):
    def _scope(sprint):  # the sprint's scope and finished points, and the items in its scope, from its ledger
        figures = SprintScopeChange.objects.filter(sprint=sprint).aggregate(
            s=Sum("scope_points"), d=Sum("done_points"), n=Sum("scope_items")
        )
        return figures["s"], figures["d"], figures["n"]

    po, dev = world.users["product_owner"], world.users["contributor"]
    sprint = _sprint(world)
    a = f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=5)
    f.BacklogItemFactory(product=world.product, sprint=sprint, story_points=3)
    sprint = sprint_start(sprint=sprint, actor=po)
    item_update(item=a, data={"status": "done"}, actor=dev)
    item_reject(item=BacklogItem.objects.get(pk=a.pk), reason="The receipt has no VAT line.", actor=po)
    # Planned back in to fix it: still the same 5 points of scope, not 10.
    sprint_plan_item(item=BacklogItem.objects.get(pk=a.pk), sprint=sprint, actor=po)
    assert _scope(sprint) == (8, 0, 2)
    # Re-estimated while out of the sprint, then back in: only the change of points joins the scope.
    item_update(item=BacklogItem.objects.get(pk=a.pk), data={"status": "done"}, actor=dev)
    item_reject(item=BacklogItem.objects.get(pk=a.pk), reason="Still no VAT line.", actor=po)
    item_update(item=BacklogItem.objects.get(pk=a.pk), data={"story_points": 8}, actor=po)
    items_bulk_save(
        rows=[{"item": BacklogItem.objects.get(pk=a.pk), "data": {"sprint": sprint}, "version": None}], actor=dev
    )
    assert _scope(sprint) == (11, 0, 2)
    # Removed (not rejected), it leaves the scope; planned again, it joins it afresh.
    item_update(item=BacklogItem.objects.get(pk=a.pk), data={"status": "ready"}, actor=po)
    item_update(item=BacklogItem.objects.get(pk=a.pk), data={"sprint": None}, actor=po)
    assert _scope(sprint) == (3, 0, 1)
    item_update(item=BacklogItem.objects.get(pk=a.pk), data={"sprint": sprint}, actor=po)
    assert _scope(sprint) == (11, 0, 2)

"""Scores are stored in the write that changes their inputs, so every answer carries them fresh.

RICE and WSJF follow from the item's own fields and are computed inside item_create / item_update
(and the bulk paths that call them). The custom-scorecard score also depends on the product's
scorecard: prioritisation keeps it, re-scoring an item in a task after backlog announces `item.saved`.
"""

from decimal import Decimal

import pytest
from celery.app.task import Task
from django.urls import reverse

from backlog.models import BacklogItem
from backlog.services.items import item_create, item_update
from core.models import OutboxMessage
from pmhub.celery import app as celery_app
from prioritization import tasks as prioritization_tasks
from prioritization.models import CriterionValue, CustomScore, ScorecardCriterion
from prioritization.services.item_scores import custom_score_after_item_saved
from tests import factories as f
from tests.conftest import wait_for


@pytest.fixture
def tasks_not_eager(settings, monkeypatch):
    """Tasks go to a queue as with a real broker; any task sent is recorded here instead of leaving the process."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    sent: list[tuple[str, dict]] = []

    def record(self, args=None, kwargs=None, **options):
        sent.append((self.name, kwargs or {}))

    monkeypatch.setattr(Task, "apply_async", record)
    yield sent
    celery_app.conf.task_always_eager = previous


def _scored_item(world) -> BacklogItem:
    # RICE 100 × 2 × 80 % ÷ 4 = 40; WSJF (8 + 5 + 3) ÷ 2 = 8
    inputs = {"reach": 100, "impact": Decimal("2"), "confidence": 80, "effort": Decimal("4")}
    inputs |= {"business_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 2}
    return item_create(instance=BacklogItem(product=world.product, title="Refunds", **inputs), actor=None)


@pytest.mark.django_db(transaction=True)
def test_a_patch_answers_with_the_recomputed_scores_while_tasks_only_queue(world, api, tasks_not_eager):
    """With a real broker a task runs later, elsewhere: the answer must not wait for one."""
    item = _scored_item(world)
    assert (item.rice_score, item.wsjf_score) == (Decimal("40.00"), Decimal("8.00"))

    response = api("product_owner").patch(f"/api/v1/items/{item.pk}/", {"reach": 500, "job_size": 4}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rice_score"], body["wsjf_score"]) == ("200.00", "4.00")  # 500 × 2 × 0.8 ÷ 4; 16 ÷ 4
    assert response["ETag"] == f'"{body["version"]}"'
    detail = api("product_owner").get(f"/api/v1/items/{item.pk}/")
    assert detail["ETag"] == response["ETag"] and detail.json()["rice_score"] == "200.00"
    # The commit happened (transactional test): no backlog task was queued to fix the scores up later.
    assert [name for name, _ in tasks_not_eager if name.startswith("backlog.")] == []


def test_an_item_created_through_the_api_answers_with_its_scores(world, api, tasks_not_eager):
    body = {"product": world.product.pk, "title": "Refunds", "reach": 2000, "impact": "2", "confidence": 80}
    body |= {"effort": "4", "business_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 2}

    response = api("product_owner").post("/api/v1/items/", body, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["rice_score"], response.json()["wsjf_score"]) == ("800.00", "8.00")
    stored = BacklogItem.objects.get(pk=response.json()["id"])
    assert (stored.rice_score, stored.wsjf_score) == (Decimal("800.00"), Decimal("8.00"))


def test_an_item_created_on_the_page_is_stored_with_its_scores(world, tasks_not_eager):
    data = {"kind": "story", "title": "Refunds", "status": "new", "reach": "2000", "impact": "2"}
    data |= {"confidence": "80", "effort": "4"}

    response = world.client("contributor").post(
        reverse("backlog:item_create", kwargs={"product_id": world.product.pk}), data
    )

    assert response.status_code == 302
    stored = BacklogItem.objects.get(title="Refunds")
    assert (stored.rice_score, stored.wsjf_score) == (Decimal("800.00"), None)  # WSJF inputs missing: unscored


def test_an_inline_edit_shows_the_new_score_in_the_row_it_answers_with(world, tasks_not_eager):
    item = _scored_item(world)
    data = {"title": item.title, "status": "new", "moscow": "", "story_points": "", "version": item.version}
    data |= {"reach": "300", "impact": "2", "confidence": "80", "effort": "4"}
    data |= {"business_value": "8", "time_criticality": "5", "risk_reduction": "3", "job_size": "2"}

    response = world.client("contributor").post(
        reverse("backlog:item_inline", kwargs={"product_id": world.product.pk, "pk": item.pk}), data
    )

    assert response.status_code == 200 and "120.00" in response.content.decode()  # 300 × 2 × 0.8 ÷ 4
    item.refresh_from_db()
    assert item.rice_score == Decimal("120.00")


def test_a_bulk_save_answers_with_fresh_scores_for_new_and_changed_rows(world, api, tasks_not_eager):
    item = _scored_item(world)
    body = {
        "items": [
            {"id": item.pk, "reach": 1000},
            {"product": world.product.pk, "title": "New", "reach": 10, "impact": "1", "confidence": 50, "effort": "1"},
        ]
    }

    response = api("product_owner").post("/api/v1/items/bulk/", body, format="json")

    assert response.status_code == 200, response.content
    assert [row["rice_score"] for row in response.json()["items"]] == ["400.00", "5.00"]
    assert dict(BacklogItem.objects.values_list("title", "rice_score")) == {
        "Refunds": Decimal("400.00"),
        "New": Decimal("5.00"),
    }


def test_scores_are_cleared_when_an_input_is_cleared(world):
    item = _scored_item(world)
    item = item_update(item=item, data={"effort": None}, actor=None)
    item.refresh_from_db()
    assert (item.rice_score, item.wsjf_score) == (None, Decimal("8.00"))


# ---- the custom scorecard, kept by prioritisation ----------------------------------------------


@pytest.fixture
def scorecard(world):
    """Strategic fit ×2 and revenue ×3 on the world's product."""
    return [
        ScorecardCriterion.objects.create(product=world.product, name="Strategic fit", weight=Decimal("2"), order=1),
        ScorecardCriterion.objects.create(product=world.product, name="Revenue", weight=Decimal("3"), order=2),
    ]


def _valued_item(world, scorecard) -> BacklogItem:
    item = item_create(instance=BacklogItem(product=world.product, title="Refunds", effort=Decimal("2")), actor=None)
    for criterion, value in zip(scorecard, ["5", "4"], strict=True):
        CriterionValue.objects.create(item=item, criterion=criterion, value=Decimal(value))
    CustomScore.objects.create(item=item, product=world.product, score=Decimal("11.00"))  # (10 + 12) ÷ 2
    return item


def test_an_edit_of_the_effort_re_scores_the_custom_score_through_the_event(
    world, api, scorecard, django_capture_on_commit_callbacks
):
    item = _valued_item(world, scorecard)

    with django_capture_on_commit_callbacks(execute=True):
        response = api("contributor").patch(f"/api/v1/items/{item.pk}/", {"effort": "4"}, format="json")

    assert response.status_code == 200
    assert CustomScore.objects.get(item=item).score == Decimal("5.50")  # 22 ÷ 4


def _queued() -> list[dict]:
    """The custom-score re-scores recorded in the outbox, in order."""
    task = "prioritization.tasks.item_custom_score_recompute"
    return list(OutboxMessage.objects.filter(task=task).order_by("pk").values_list("kwargs", flat=True))


def test_the_custom_score_task_is_queued_only_after_commit_and_only_for_its_inputs(
    world, scorecard, django_capture_on_commit_callbacks
):
    item = _valued_item(world, scorecard)
    OutboxMessage.objects.all().delete()  # the creation's own re-score, never relayed in this test
    before = CustomScore.objects.get(item=item).score

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item_update(item=item, data={"effort": Decimal("4"), "reach": 10}, actor=None)
    # Recorded with the write, run only after the commit.
    assert _queued() == [{"item_id": item.pk}]
    assert CustomScore.objects.get(item=item).score == before
    for callback in callbacks:  # the commit: the outbox relays, the task runs (inline here)
        callback()
    assert CustomScore.objects.get(item=item).score == Decimal("5.50")
    assert OutboxMessage.objects.get().done_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        item_update(item=item, data={"reach": 20, "title": "Refunds by card"}, actor=None)
    assert len(_queued()) == 1  # the custom score does not read the reach


def test_the_subscriber_ignores_other_events(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        custom_score_after_item_saved(event="item.updated", workspace_id=1, data={"id": 7, "changed": ["effort"]})
        custom_score_after_item_saved(event="item.saved", workspace_id=1, data={"id": 7, "changed": ["effort"]})
    assert _queued() == [{"item_id": 7}]


def test_the_custom_score_re_score_is_idempotent(world, scorecard):
    item = _valued_item(world, scorecard)
    BacklogItem.objects.filter(pk=item.pk).update(effort=Decimal("4"))
    assert prioritization_tasks.item_custom_score_recompute(item_id=item.pk) == "5.50"
    assert prioritization_tasks.item_custom_score_recompute(item_id=item.pk) == "5.50"
    assert list(CustomScore.objects.values_list("item_id", "score")) == [(item.pk, Decimal("5.50"))]
    assert prioritization_tasks.item_custom_score_recompute(item_id=item.pk + 1000) is None


@pytest.mark.worker
def test_a_real_worker_re_scores_the_custom_score_after_an_edit(celery_worker):
    product = f.ProductFactory()
    criterion = ScorecardCriterion.objects.create(product=product, name="Revenue", weight=Decimal("3"), order=1)
    item = f.BacklogItemFactory(product=product, title="Refunds", effort=Decimal("2"))
    CriterionValue.objects.create(item=item, criterion=criterion, value=Decimal("4"))

    item_update(item=item, data={"effort": Decimal("3")}, actor=None)

    scored = wait_for(lambda: CustomScore.objects.filter(item=item, score=Decimal("4.00")).exists())
    assert scored  # 3 × 4 ÷ 3, stored by the worker

"""The outcome review: scheduled when work ships, due after the chosen delay (beat), recorded by a PM."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from delivery import tasks
from delivery.models import OutcomeReview
from delivery.selectors.outcomes import outcome_summary
from delivery.services.outcomes import outcome_reviews_mark_due
from okrs.services.measurements import measurement_create
from pmhub.celery import app
from roadmap.services.initiatives import initiative_update
from roadmap.services.releases import release_update
from tests import factories as f
from tests.conftest import wait_for


def _shipped_initiative(world):
    kpi = f.KPIFactory(product=world.product, direction="increase")
    f.MeasurementFactory(kpi=kpi, value=D("40"))
    initiative = f.InitiativeFactory(product=world.product, status="in_progress")
    initiative.kpis.add(kpi)
    initiative = initiative_update(initiative=initiative, data={"status": "shipped"})
    return initiative, kpi


def test_shipping_schedules_a_review_with_the_metrics_of_that_moment(world, settings):
    settings.OUTCOME_REVIEW_DELAY_DAYS = 45
    initiative, kpi = _shipped_initiative(world)
    review = OutcomeReview.objects.get(initiative=initiative)
    assert review.status == "scheduled" and review.baseline["kpis"] == {str(kpi.pk): "40.0000"}
    assert review.due_on == timezone.localdate(initiative.shipped_at) + timedelta(days=45)
    # Saving it again shipped does not ask twice.
    initiative_update(initiative=initiative, data={"title": "Renamed"})
    assert OutcomeReview.objects.filter(initiative=initiative).count() == 1
    release = f.ReleaseFactory(product=world.product)
    release_update(release=release, data={"status": "released"})
    assert OutcomeReview.objects.filter(release=release, status="scheduled").count() == 1


def test_the_beat_task_marks_due_reviews_once(world):
    initiative, _ = _shipped_initiative(world)
    review = OutcomeReview.objects.get(initiative=initiative)
    assert outcome_reviews_mark_due(today=review.due_on - timedelta(days=1)) == 0
    assert outcome_reviews_mark_due(today=review.due_on) == 1
    assert outcome_reviews_mark_due(today=review.due_on) == 0
    assert OutcomeReview.objects.get(pk=review.pk).status == "due"
    entry = next(e for e in app.conf.beat_schedule.values() if e["task"] == "delivery.tasks.outcome_reviews_due")
    assert entry["task"] in app.tasks


def test_recording_compares_before_and_after_and_feeds_the_summary(world):
    initiative, kpi = _shipped_initiative(world)
    review = OutcomeReview.objects.get(initiative=initiative)
    measurement_create(kpi=kpi, value=D("47"), measured_at=None, note="After", actor=world.users["product_manager"])
    client = world.client("product_manager")
    url = reverse("delivery:review_detail", kwargs={"workspace_id": world.workspace.pk, "pk": review.pk})
    page = client.get(url).content.decode()
    assert "40" in page and "47" in page
    response = client.post(url, {"verdict": "worked", "learning": "Local methods convert."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.verdict, review.metric_moved) == ("recorded", "worked", True)
    summary = outcome_summary(workspace=world.workspace)
    assert (summary.shipped, summary.reviewed, summary.without_review, summary.moved_percent) == (1, 1, 0, 100)
    # A viewer reads it but cannot record; another workspace does not see it.
    assert world.client("viewer").post(url, {"verdict": "did_not", "learning": "x"}).status_code == 403
    assert world.client("outsider").get(url).status_code == 404


REVIEW_WRITERS = {"admin", "product_manager"}


@pytest.mark.parametrize(
    "role", ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer", "outsider"]
)
def test_outcome_reviews_in_the_api_by_role(world, role):
    initiative, _ = _shipped_initiative(world)
    theirs = f.InitiativeFactory(product=world.other_product, status="proposed")
    initiative_update(initiative=theirs, data={"status": "shipped"})
    review = OutcomeReview.objects.get(initiative=initiative)
    client = APIClient()
    client.force_authenticate(world.outsider if role == "outsider" else world.users[role])
    listed = [r["id"] for r in client.get("/api/v1/outcome-reviews/").json()["results"]]
    response = client.post(
        f"/api/v1/outcome-reviews/{review.pk}/record/", {"verdict": "partly", "learning": "Half."}, format="json"
    )
    if role == "outsider":
        assert review.pk not in listed and response.status_code == 404
    else:
        assert listed == [review.pk]
        assert response.status_code == (200 if role in REVIEW_WRITERS else 403)
    assert OutcomeReview.objects.get(pk=review.pk).status == ("recorded" if role in REVIEW_WRITERS else "scheduled")


@pytest.mark.worker
def test_a_real_worker_marks_due_reviews(celery_worker, world):
    initiative, _ = _shipped_initiative(world)
    OutcomeReview.objects.filter(initiative=initiative).update(due_on=timezone.localdate())
    tasks.outcome_reviews_due.delay()
    assert wait_for(lambda: OutcomeReview.objects.get(initiative=initiative).status == "due")

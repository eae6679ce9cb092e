"""Rollups run by Celery: enqueued after commit, run by a real worker, and scheduled nightly."""

from datetime import date
from decimal import Decimal as D

import pytest
from celery.schedules import crontab
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from okrs import tasks
from okrs.models import KeyResult, Objective, ObjectiveSnapshot
from okrs.services.key_results import key_result_check_in
from okrs.services.measurements import measurement_create
from tests import factories as f
from tests.conftest import wait_for


def _objective_with_key_result(world):
    objective = f.ObjectiveFactory(workspace=world.workspace, period=f"{timezone.localdate().year}")
    return objective, f.KeyResultFactory(objective=objective, start_value=D("0"), target_value=D("200"))


def test_a_check_in_schedules_the_rollup_after_commit(world, django_capture_on_commit_callbacks):
    objective, key_result = _objective_with_key_result(world)
    with django_capture_on_commit_callbacks(execute=True):
        key_result_check_in(key_result=key_result, value=D("50"), confidence=80, note="", actor=world.users["admin"])
        assert KeyResult.objects.get(pk=key_result.pk).rollup_progress is None  # nothing rolled up inside
        assert list(OutboxMessage.objects.values_list("task", "kwargs")) == [
            ("okrs.tasks.okr_rollup", {"workspace_id": world.workspace.pk, "key_result_ids": [key_result.pk]})
        ]  # recorded with the check-in
    assert OutboxMessage.objects.get().done_at is not None  # and run once it committed
    key_result.refresh_from_db()
    objective.refresh_from_db()
    assert (key_result.rollup_progress, key_result.confidence) == (D("0.25"), 80)
    assert objective.progress == D("0.25")


def test_a_kpi_measurement_rolls_up_the_key_results_tracking_it(world, django_capture_on_commit_callbacks):
    kpi = f.KPIFactory(product=world.product)
    objective = f.ObjectiveFactory(workspace=world.workspace)
    key_result = f.KeyResultFactory(objective=objective, kpi=kpi, start_value=D("10"), target_value=D("20"))
    with django_capture_on_commit_callbacks(execute=True):
        measurement_create(kpi=kpi, value=D("15"), measured_at=None, note="", actor=world.users["admin"])
    key_result.refresh_from_db()
    objective.refresh_from_db()
    assert (key_result.current_value, key_result.rollup_progress, objective.progress) == (D("15"), D("0.5"), D("0.5"))


def test_a_rolled_back_check_in_schedules_nothing(world, django_capture_on_commit_callbacks):
    _, key_result = _objective_with_key_result(world)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        key_result_check_in(key_result=key_result, value=D("1"), confidence=101, note="", actor=None)
    assert callbacks == []


def test_the_check_in_page_rolls_up(world, django_capture_on_commit_callbacks):
    objective, key_result = _objective_with_key_result(world)
    url = reverse("okrs:key_result_check_in", kwargs={"workspace_id": world.workspace.pk, "pk": key_result.pk})
    with django_capture_on_commit_callbacks(execute=True):
        world.client("product_manager").post(url, {"value": "100", "confidence": "90", "note": "Half way"})
    objective.refresh_from_db()
    assert objective.progress == D("0.5")


def test_the_nightly_task_stores_one_snapshot_a_day_per_workspace(world):
    ours, _ = _objective_with_key_result(world)
    theirs = f.ObjectiveFactory(workspace=world.other_workspace)
    assert tasks.okr_nightly_rollup.delay().get() == 2  # one task per workspace with objectives
    tasks.okr_nightly_rollup.delay()  # a second run the same night overwrites, it does not add
    today = timezone.localdate()
    assert sorted(ObjectiveSnapshot.objects.values_list("objective_id", "day")) == [
        (ours.pk, today),
        (theirs.pk, today),
    ]


def test_the_beat_schedule_runs_the_nightly_rollup():
    from pmhub.celery import app

    entry = app.conf.beat_schedule["okrs-nightly-rollup"]
    assert entry["task"] == tasks.okr_nightly_rollup.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(hour=2, minute=15)
    assert tasks.okr_rollup.acks_late and tasks.okr_rollup_and_snapshot.acks_late


@pytest.mark.worker
def test_a_real_worker_rolls_up_a_check_in_into_the_dashboard(celery_worker):
    from workspaces.models import Membership, Role

    product = f.ProductFactory()
    user = f.UserFactory(username="exec")
    Membership.objects.create(workspace=product.workspace, user=user, role=Role.EXECUTIVE)
    period = f"{date.today().year}"
    parent = f.ObjectiveFactory(workspace=product.workspace, period=period, title="Grow")
    objective = f.ObjectiveFactory(workspace=product.workspace, product=product, parent=parent, period=period)
    key_result = f.KeyResultFactory(objective=objective, start_value=D("0"), target_value=D("40"))

    key_result_check_in(key_result=key_result, value=D("30"), confidence=55, note="Close", actor=user)

    assert wait_for(lambda: KeyResult.objects.get(pk=key_result.pk).rollup_progress) == D("0.75")
    assert wait_for(lambda: Objective.objects.get(pk=parent.pk).progress) == D("0.75")
    from django.test import Client

    client = Client()
    client.force_login(user)
    data = client.get(f"/api/v1/products/{product.pk}/dashboard/", {"period": period}).json()
    figures = data["objectives"][0]
    assert (figures["progress"], figures["confidence"]) == (75.0, 55)
    assert figures["key_results"][0]["last_check_in_note"] == "Close"


@pytest.mark.parametrize("role", ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"])
def test_health_thresholds_are_read_by_all_and_changed_by_strategy_roles(
    world, role, django_capture_on_commit_callbacks
):
    from okrs.models import Health, HealthPolicy
    from okrs.services.rollup import workspace_rollup

    objective = f.ObjectiveFactory(workspace=world.workspace, period="2020")  # over: 100 % expected
    key_result = f.KeyResultFactory(objective=objective)
    f.MeasurementFactory(kpi=None, key_result=key_result, value=D("35"), confidence=90)
    workspace_rollup(workspace_id=world.workspace.pk)
    assert KeyResult.objects.get().health == Health.OFF_TRACK  # 65 points behind, over the default 25
    url = reverse("okrs:health_policy_edit", kwargs={"workspace_id": world.workspace.pk})
    client = world.client(role)
    assert client.get(url).status_code == 200
    data = {"at_risk_gap": "0.5", "off_track_gap": "0.8", "at_risk_confidence": "50", "off_track_confidence": "20"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    if role in ("admin", "product_manager"):
        assert response.status_code == 302
        assert HealthPolicy.objects.get(workspace=world.workspace).at_risk_gap == D("0.5")
        key_result.refresh_from_db()
        objective.refresh_from_db()
        assert (key_result.health, objective.health) == (Health.AT_RISK, Health.AT_RISK)  # 65 behind: under 80
    else:
        assert response.status_code == 403
        assert not HealthPolicy.objects.exists()
        assert KeyResult.objects.get().health == Health.OFF_TRACK
    assert world.client("outsider").get(url).status_code == 404


def test_inconsistent_thresholds_are_refused_with_a_field_error(world):
    from okrs.models import HealthPolicy

    url = reverse("okrs:health_policy_edit", kwargs={"workspace_id": world.workspace.pk})
    data = {"at_risk_gap": "0.5", "off_track_gap": "0.2", "at_risk_confidence": "50", "off_track_confidence": "60"}
    response = world.client("admin").post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The off-track gap must be at least the at-risk gap." in page
    assert "The off-track confidence must be at most the at-risk confidence." in page
    assert not HealthPolicy.objects.exists()

"""Jobs whose worker died are re-run or failed with a reason, and pages stop polling them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from jobs import services
from jobs.models import Job, JobState
from prioritization.services.runs import JOB_KIND
from prioritization.tasks import product_reprioritise
from tests import factories as f
from tests.conftest import skip_or_fail

TASK = "prioritization.tasks.product_reprioritise"


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 120
    settings.JOB_PENDING_TIMEOUT = 600
    settings.JOB_MAX_REQUEUES = 2


def a_job(world, *, state=JobState.RUNNING, silent_for=0, task=TASK, requeues=0) -> Job:
    """A re-prioritisation job of world.product, as a worker left it `silent_for` seconds ago."""
    job = services.job_create(workspace=world.workspace, product=world.product, kind=JOB_KIND, actor=None)
    last_sign = timezone.now() - timedelta(seconds=silent_for)
    Job.objects.filter(pk=job.pk).update(
        state=state,
        progress=45 if state == JobState.RUNNING else 0,
        attempts=1 if state == JobState.RUNNING else 0,
        started_at=last_sign if state == JobState.RUNNING else None,
        heartbeat_at=last_sign if state == JobState.RUNNING else None,
        created_at=last_sign,
        requeues=requeues,
        task_name=task,
        task_kwargs={"product_id": world.product.pk, "job_id": job.pk} if task else None,
    )
    job.refresh_from_db()
    return job


def status_page(world):
    url = reverse("prioritization:job_status", kwargs={"product_id": world.product.pk})
    return world.client("viewer").get(url).content.decode()


def test_a_running_job_whose_worker_went_silent_is_run_again(world, django_capture_on_commit_callbacks):
    f.BacklogItemFactory(product=world.product, reach=100, impact=2, confidence=80, effort=4)
    job = a_job(world, silent_for=121)
    assert job.stale_reason and not job.should_poll

    with django_capture_on_commit_callbacks(execute=True) as sent:
        outcome = services.jobs_recover_stale()

    job.refresh_from_db()
    assert outcome == {"requeued": 1, "failed": 0}
    relays = [callback for callback in sent if "relay" in callback.__qualname__]  # (others: the figures' version)
    assert len(relays) == 1  # the task goes out (through the outbox) once the claim is committed
    assert OutboxMessage.objects.get().kwargs["job_id"] == job.pk
    assert (job.state, job.progress, job.requeues, job.attempts) == (JobState.SUCCEEDED, 100, 1, 2)
    assert job.result["scored"] == 1 and job.error == ""


def test_a_pending_job_whose_message_waits_for_the_broker_is_left_alone(world):
    pending = a_job(world, state=JobState.PENDING, silent_for=10_000)
    OutboxMessage.objects.create(
        task=pending.task_name or "prioritization.tasks.product_reprioritise", kwargs={"job_id": pending.pk}
    )

    assert services.jobs_recover_stale() == {"requeued": 0, "failed": 0}
    pending.refresh_from_db()
    assert pending.state == JobState.PENDING and pending.requeues == 0


def test_a_job_that_still_shows_signs_of_life_is_left_alone(world):
    running = a_job(world, silent_for=100)
    pending = a_job(world, state=JobState.PENDING, silent_for=500)

    assert services.jobs_recover_stale() == {"requeued": 0, "failed": 0}

    assert Job.objects.get(pk=running.pk).state == JobState.RUNNING
    assert Job.objects.get(pk=pending.pk).state == JobState.PENDING
    assert running.should_poll and pending.should_poll


def test_a_job_out_of_retries_is_failed_with_a_reason_the_page_shows(world):
    job = a_job(world, silent_for=600, requeues=2)

    assert services.jobs_recover_stale() == {"requeued": 0, "failed": 1}

    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert job.error.startswith("The worker stopped responding 3 times")
    page = status_page(world)
    assert "The last run failed: The worker stopped responding 3 times" in page
    assert "hx-trigger" not in page and "hx-get" not in page


def test_a_job_whose_task_is_unknown_or_may_not_run_twice_is_failed(world, monkeypatch):
    unknown = a_job(world, silent_for=600, task="")
    once_only = a_job(world, silent_for=600)
    monkeypatch.setattr(product_reprioritise, "idempotent", False, raising=False)

    assert services.jobs_recover_stale() == {"requeued": 0, "failed": 2}

    for job in (unknown, once_only):
        job.refresh_from_db()
        assert job.state == JobState.FAILED
        assert "cannot be restarted by itself" in job.error


def test_a_pending_job_no_worker_picked_up_is_sent_again_then_given_up(world, django_capture_on_commit_callbacks):
    f.BacklogItemFactory(product=world.product, reach=10, impact=1, confidence=50, effort=1)
    sent_again = a_job(world, state=JobState.PENDING, silent_for=601)
    never_sendable = a_job(world, state=JobState.PENDING, silent_for=601, task="")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_recover_stale() == {"requeued": 1, "failed": 1}

    sent_again.refresh_from_db()
    never_sendable.refresh_from_db()
    assert (sent_again.state, sent_again.requeues) == (JobState.SUCCEEDED, 1)
    assert never_sendable.state == JobState.FAILED
    assert never_sendable.error.startswith("No worker picked the job up within 10 min")


def test_progress_and_heartbeats_are_signs_of_life(world):
    job = a_job(world, silent_for=119)
    services.job_progress(job_id=job.pk, progress=60)
    job.refresh_from_db()
    assert timezone.now() - job.heartbeat_at < timedelta(seconds=5)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=119))
    services.job_heartbeat(job_id=job.pk)
    job.refresh_from_db()
    assert timezone.now() - job.heartbeat_at < timedelta(seconds=5)
    assert services.jobs_recover_stale() == {"requeued": 0, "failed": 0}


def test_the_status_partial_polls_a_live_job_only(world):
    job = a_job(world, silent_for=10)
    page = status_page(world)
    assert 'hx-trigger="every 1s"' in page and "45 %" in page

    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=7))
    page = status_page(world)
    assert "hx-trigger" not in page
    assert "No sign of life from the worker for 7 min" in page

    services.job_fail(job_id=job.pk, error="ValueError: bad weights")
    page = status_page(world)
    assert "hx-trigger" not in page and "The last run failed: ValueError: bad weights" in page


def test_a_pending_job_nobody_picks_up_stops_the_polling_and_says_why(world):
    a_job(world, state=JobState.PENDING, silent_for=16 * 60)
    page = status_page(world)
    assert "hx-trigger" not in page
    assert "Waiting for 16 min: no worker has picked the job up" in page


def test_the_task_of_a_job_is_recorded_when_it_is_sent(world, settings):
    """Sent through the real broker (no worker listens): the job learns how to be sent again."""
    from pmhub.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_or_fail("needs a Redis broker: set CELERY_BROKER_URL=redis://…")
    job = services.job_create(workspace=world.workspace, product=world.product, kind=JOB_KIND, actor=None)
    app.conf.task_always_eager = False  # the autouse fixture restores it
    try:
        product_reprioritise.apply_async(kwargs={"product_id": world.product.pk, "job_id": job.pk})
    finally:
        app.control.purge()
    job.refresh_from_db()
    assert job.task_name == TASK
    assert job.task_kwargs == {"product_id": world.product.pk, "job_id": job.pk}


def test_tasks_without_a_job_are_not_recorded(world):
    job = a_job(world, task="")
    services.job_task_record_on_publish(sender="okrs.tasks.okr_rollup", body=((), {"workspace_id": 1}, {}))
    services.job_task_record_on_publish(sender="x.y", body=((), {"job_id": str(job.pk)}, {}))
    job.refresh_from_db()
    assert job.task_name == "" and job.task_kwargs is None


def test_the_broker_hands_a_job_to_another_worker_only_after_its_allowed_time(settings):
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT == settings.JOB_TIME_LIMIT
    assert settings.CELERY_TASK_TIME_LIMIT > settings.JOB_TIME_LIMIT
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["jobs.tasks.jobs_sweep_stale"] == settings.JOB_SWEEP_INTERVAL


def test_a_tracked_job_whose_task_finally_fails_is_marked_failed_with_the_error(world, monkeypatch):
    """Every tracked job's task (re-prioritisation, imports…) shares one failure rule: the job says why."""
    job = services.job_create(workspace=world.workspace, product=world.product, kind=JOB_KIND, actor=None)

    def broken(**_):
        raise ValueError("the scorecard has no criteria")

    monkeypatch.setattr("prioritization.services.runs.product_reprioritise", broken)
    result = product_reprioritise.apply(kwargs={"product_id": world.product.pk, "job_id": job.pk}, throw=False)
    assert result.failed()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "ValueError: the scorecard has no criteria"

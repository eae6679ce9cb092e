"""Writes of background job records: pages and the API read state and progress from them.

A running job shows a sign of life (`heartbeat_at`) when it starts, progresses or calls
`job_heartbeat`. `jobs_recover_stale`, run by beat, sends the silent ones again (when their task
may run twice) or marks them failed with a reason the pages show.
"""

import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta

from celery import Task, current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import outbox

from .models import Job, JobState

log = logging.getLogger(__name__)


@transaction.atomic
def job_create(*, workspace, kind: str, actor, product=None) -> Job:
    job = Job(workspace=workspace, product=product, kind=kind, started_by=actor, created_by=actor)
    job.full_clean()
    job.save()
    return job


def job_start(*, job_id: int) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        state=JobState.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        error="",
        attempts=F("attempts") + 1,
        updated_at=now,
    )


def job_progress(*, job_id: int, progress: int) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(progress=max(0, min(100, int(progress))), heartbeat_at=now, updated_at=now)


@contextlib.contextmanager
def job_progress_reporter(*, job_id: int) -> Iterator[Callable[[int], None]]:
    """Progress (with a heartbeat) of a job whose work runs in one long transaction, all or nothing.

    Written on a database connection of its own, in autocommit, so pages see the bar move before the
    work commits (or rolls back). On a database that serialises writers (SQLite) a second writer would
    wait for the work's lock, so there the reporter does nothing and the bar jumps at the end.
    """
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        yield lambda progress: None
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(Job._meta.db_table)

    def report(progress: int) -> None:
        now = timezone.now()
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, heartbeat_at = %s, updated_at = %s WHERE id = %s AND state = %s",
                [max(0, min(100, int(progress))), now, now, job_id, JobState.RUNNING],
            )

    try:
        yield report
    finally:
        side.close()


def job_heartbeat(*, job_id: int) -> None:
    """A sign of life from a long step that has no progress to report."""
    Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(heartbeat_at=timezone.now())


def job_succeed(*, job_id: int, result: dict | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.SUCCEEDED, progress=100, result=result, finished_at=timezone.now(), updated_at=timezone.now()
    )


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.FAILED, error=error[:10_000], finished_at=timezone.now(), updated_at=timezone.now()
    )


def job_run(*, job_id: int, work: Callable[[Job], dict], on_success: Callable[[dict], None] | None = None) -> dict:
    """A worker's side of a tracked job: a job already done answers its result again (a redelivered
    message), else it runs `work(job)` and records what came of it. A database hiccup leaves the job
    running for the task's retry; any other error fails the job with the error and is raised again.
    `on_success` runs after the job is marked done, only on the run that did the work."""
    job = Job.objects.get(pk=job_id)
    if job.state == JobState.SUCCEEDED:
        return job.result or {}
    job_start(job_id=job_id)
    try:
        result = work(job)
    except OperationalError:
        raise  # transient: the task retries and the job stays running
    except Exception as error:
        job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
        raise
    job_succeed(job_id=job_id, result=result)
    if on_success is not None:
        on_success(result)
    return result


def job_task_record(*, job_id: int, task_name: str, task_kwargs: dict) -> None:
    """Remember which Celery task runs the job, with which arguments, so it can be sent again."""
    Job.objects.filter(pk=job_id).update(task_name=task_name[:200], task_kwargs=task_kwargs)


def job_task_record_on_publish(sender: str | None = None, body=None, **_) -> None:
    """Celery's `before_task_publish` receiver: every task sent with a `job_id` argument is recorded.

    Recording helps recovery but must never stop the task from being sent, so a database error is
    logged and the message goes out anyway.
    """
    kwargs = body[1] if isinstance(body, tuple | list) and len(body) > 1 else (body or {}).get("kwargs")
    if not sender or not isinstance(kwargs, dict) or not isinstance(kwargs.get("job_id"), int):
        return
    try:
        job_task_record(job_id=kwargs["job_id"], task_name=sender, task_kwargs=kwargs)
    except DatabaseError:
        log.warning("Could not record the task of job %s; it cannot be re-run if its worker dies.", kwargs["job_id"])


def rerunnable_task(job: Job) -> Task | None:
    """The Celery task that can run `job` again, or None.

    A task may run twice when it is acknowledged late (the project's promise that a redelivered
    task is harmless, see CONVENTIONS §6); a task that sets `idempotent = False` opts out.
    """
    if not job.task_name or not isinstance(job.task_kwargs, dict):
        return None
    task = current_app.tasks.get(job.task_name)
    if task is None or not getattr(task, "idempotent", task.acks_late):
        return None
    return task


def _failure_reason(job: Job, *, rerunnable: bool) -> str:
    if job.state == JobState.PENDING:
        return (
            f"No worker picked the job up within {settings.JOB_PENDING_TIMEOUT // 60} min. "
            "Start it again once a Celery worker is running."
        )
    if rerunnable:
        return (
            f"The worker stopped responding {job.requeues + 1} times (no sign of life for "
            f"{settings.JOB_HEARTBEAT_TIMEOUT // 60} min each time), so the job was given up. Start it again."
        )
    return (
        f"The worker running the job stopped responding (no sign of life for {settings.JOB_HEARTBEAT_TIMEOUT // 60} "
        "min) and the job cannot be restarted by itself. Start it again."
    )


def jobs_recover_stale() -> dict[str, int]:
    """Send stale jobs again or fail them: running ones silent for JOB_HEARTBEAT_TIMEOUT seconds,
    pending ones no worker picked up within JOB_PENDING_TIMEOUT seconds.

    A job is sent again at most JOB_MAX_REQUEUES times, and only when its task may run twice;
    otherwise it is failed with a reason. Rows are claimed with SKIP LOCKED, so two sweepers at
    once never send one job twice; the task goes out after the claim commits.
    """
    now = timezone.now()
    running_cutoff = now - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
    pending_cutoff = now - timedelta(seconds=settings.JOB_PENDING_TIMEOUT)
    with transaction.atomic():
        stale = list(
            Job.objects.select_for_update(skip_locked=True)
            .annotate(last_sign=Coalesce("heartbeat_at", "started_at", "created_at"))
            .filter(
                Q(state=JobState.RUNNING, last_sign__lt=running_cutoff)
                | Q(state=JobState.PENDING, last_sign__lt=pending_cutoff)
            )
            .order_by("pk")
        )
        # A pending job whose message still waits in the outbox (the broker is away) is not stale:
        # it starts once the broker is back.
        waiting = outbox.waiting_job_ids([job.pk for job in stale if job.state == JobState.PENDING])
        stale = [job for job in stale if job.pk not in waiting]
        requeued: list[tuple[Job, Task]] = []
        failed: dict[str, list[int]] = {}
        for job in stale:
            task = rerunnable_task(job)
            if task is not None and job.requeues < settings.JOB_MAX_REQUEUES:
                requeued.append((job, task))
            else:
                failed.setdefault(_failure_reason(job, rerunnable=task is not None), []).append(job.pk)
        Job.objects.filter(pk__in=[job.pk for job, _ in requeued]).update(
            state=JobState.PENDING, progress=0, requeues=F("requeues") + 1, heartbeat_at=now, updated_at=now
        )
        for reason, ids in failed.items():
            Job.objects.filter(pk__in=ids).update(state=JobState.FAILED, error=reason, finished_at=now, updated_at=now)
        for job, task in requeued:
            outbox.enqueue(task, **job.task_kwargs)
    if stale:
        log.warning("Stale jobs: %s sent again, %s failed.", len(requeued), sum(map(len, failed.values())))
    return {"requeued": len(requeued), "failed": sum(map(len, failed.values()))}

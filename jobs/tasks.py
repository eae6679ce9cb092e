"""Celery tasks of the jobs app: the sweeper that recovers jobs whose worker went silent, and the base
of every task that runs a tracked job."""

from celery import Task, shared_task
from django.db import OperationalError

from .services import job_fail, jobs_recover_stale


class TrackedJobTask(Task):
    """A task that runs the tracked job of its `job_id` argument: when it finally fails (after its
    retries), the job is marked failed with the error, so its page and the API say why."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if "job_id" in kwargs:
            job_fail(job_id=kwargs["job_id"], error=f"{type(exc).__name__}: {exc}")


# The options of a tracked job's task: `@shared_task(**TRACKED_JOB)`. Delivered at least once (acks
# late, retried on a database hiccup), so the job's work must be safe to run again.
TRACKED_JOB = {
    "base": TrackedJobTask,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def jobs_sweep_stale() -> dict[str, int]:
    return jobs_recover_stale()

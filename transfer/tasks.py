from celery import Task, shared_task
from django.db import OperationalError

from jobs.services import job_fail

from .services.runs import import_run as run


class RecordsFailure(Task):
    """An import whose task finally fails (after its retries) is marked failed with the error."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if "job_id" in kwargs:
            job_fail(job_id=kwargs["job_id"], error=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=RecordsFailure,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def import_run(*, batch_id: int, job_id: int, dry_run: bool, actor_id: int | None = None) -> dict:
    """Dry-run or run the import `batch_id` as the tracked job `job_id` (all or nothing; safe to run again)."""
    return run(batch_id=batch_id, job_id=job_id, dry_run=dry_run, actor_id=actor_id)

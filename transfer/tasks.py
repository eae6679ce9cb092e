from celery import shared_task

from jobs.tasks import TRACKED_JOB

from .services.runs import import_run as run


@shared_task(**TRACKED_JOB)
def import_run(*, batch_id: int, job_id: int, dry_run: bool, actor_id: int | None = None) -> dict:
    """Dry-run or run the import `batch_id` as the tracked job `job_id` (all or nothing; safe to run again)."""
    return run(batch_id=batch_id, job_id=job_id, dry_run=dry_run, actor_id=actor_id)

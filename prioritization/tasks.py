from celery import Task, shared_task
from django.db import OperationalError


class RecordsFailure(Task):
    """A job whose task finally fails (after its retries) is marked failed with the error."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .services import job_record_failure

        if "job_id" in kwargs:
            job_record_failure(job_id=kwargs["job_id"], error=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=RecordsFailure,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def product_reprioritise(*, product_id: int, job_id: int) -> dict:
    """Re-score a whole product as the tracked job `job_id`."""
    from .services import product_reprioritise as run

    return run(product_id=product_id, job_id=job_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def item_custom_score_recompute(*, item_id: int) -> str | None:
    """Recompute one item's custom-scorecard score from its current values and effort."""
    from .services.item_scores import item_custom_score_recompute as run

    score = run(item_id=item_id)
    return None if score is None else str(score)

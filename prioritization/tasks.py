from celery import Task, shared_task
from django.db import OperationalError

from .services import apply, item_scores, runs
from .services.runs import job_record_failure


class RecordsFailure(Task):
    """A job whose task finally fails (after its retries) is marked failed with the error."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
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
    return runs.product_reprioritise(product_id=product_id, job_id=job_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def item_custom_score_recompute(*, item_id: int) -> str | None:
    """Recompute one item's custom-scorecard score from its current values and effort."""
    score = item_scores.item_custom_score_recompute(item_id=item_id)
    return None if score is None else str(score)


@shared_task(
    base=RecordsFailure,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def ranking_apply(*, product_id: int, job_id: int, framework: str) -> dict:
    """Reorder a product's open items to match a framework's ranking, as the tracked job `job_id`."""
    return apply.ranking_apply(product_id=product_id, job_id=job_id, framework=framework)


@shared_task(
    base=RecordsFailure,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def ranking_undo(*, product_id: int, job_id: int, applied_id: int) -> dict:
    """Put a product's items back in the order they had before the application `applied_id`."""
    return apply.ranking_undo(product_id=product_id, job_id=job_id, applied_id=applied_id)

from celery import shared_task
from django.db import OperationalError

from jobs.tasks import TRACKED_JOB

from .services import apply, item_scores, runs


@shared_task(**TRACKED_JOB)
def product_reprioritise(*, product_id: int, job_id: int) -> dict:
    """Re-score a whole product as the tracked job `job_id`."""
    return runs.product_reprioritise(product_id=product_id, job_id=job_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def item_custom_score_recompute(*, item_id: int) -> str | None:
    """Recompute one item's custom-scorecard score from its current values and effort."""
    score = item_scores.item_custom_score_recompute(item_id=item_id)
    return None if score is None else str(score)


@shared_task(**TRACKED_JOB)
def ranking_apply(*, product_id: int, job_id: int, framework: str) -> dict:
    """Reorder a product's open items to match a framework's ranking, as the tracked job `job_id`."""
    return apply.ranking_apply(product_id=product_id, job_id=job_id, framework=framework)


@shared_task(**TRACKED_JOB)
def ranking_undo(*, product_id: int, job_id: int, applied_id: int) -> dict:
    """Put a product's items back in the order they had before the application `applied_id`."""
    return apply.ranking_undo(product_id=product_id, job_id=job_id, applied_id=applied_id)

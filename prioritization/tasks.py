from celery import shared_task
from django.db import OperationalError

from jobs.tasks import TRACKED_JOB

from .services import item_scores, runs


@shared_task(**TRACKED_JOB)
def product_reprioritise(*, product_id: int, job_id: int) -> dict:
    """Re-score a whole product as the tracked job `job_id`."""
    return runs.product_reprioritise(product_id=product_id, job_id=job_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def item_custom_score_recompute(*, item_id: int) -> str | None:
    """Recompute one item's custom-scorecard score from its current values and effort."""
    score = item_scores.item_custom_score_recompute(item_id=item_id)
    return None if score is None else str(score)

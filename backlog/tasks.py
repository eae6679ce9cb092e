from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def item_rescore(*, item_id: int) -> str | None:
    """Recompute one item's stored scores from its current inputs: RICE, WSJF and the custom scorecard."""
    from prioritization.services import item_custom_score_recompute

    from .services import item_scores_recompute

    item = item_scores_recompute(item_id=item_id)
    # The custom scorecard divides by the item's effort, so it moves with the same edits.
    item_custom_score_recompute(item_id=item_id)
    return None if item is None or item.rice_score is None else str(item.rice_score)

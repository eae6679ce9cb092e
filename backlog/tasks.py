from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def item_rescore(*, item_id: int) -> str | None:
    """Recompute one item's stored RICE and WSJF scores from its current inputs."""
    from .services import item_scores_recompute

    item = item_scores_recompute(item_id=item_id)
    return None if item is None or item.rice_score is None else str(item.rice_score)

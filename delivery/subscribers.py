"""What the delivery app does when other apps announce something (registered in apps.py).

Like every subscriber, it runs inside the announcing write's transaction and only records rows.
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .services.outcomes import outcome_review_schedule


def schedule_outcome_review(*, event: str, workspace_id: int, data: dict) -> None:
    """An initiative or a release shipped: ask for its outcome review later."""
    if event not in ("initiative.shipped", "release.shipped"):
        return
    shipped_at = parse_datetime(data.get("shipped_at") or "") or timezone.now()
    key = "initiative_id" if event == "initiative.shipped" else "release_id"
    outcome_review_schedule(
        workspace_id=workspace_id, product_id=data["product"], shipped_at=shipped_at, **{key: data["id"]}
    )

"""Celery tasks of OKR rollups: thin wrappers that take ids and call the services."""

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def okr_rollup(*, workspace_id: int, key_result_ids: list[int] | None = None) -> dict:
    """Roll up the given key results (all when None, none when empty) and every objective of the workspace."""
    from .rollup import workspace_rollup

    return workspace_rollup(workspace_id=workspace_id, key_result_ids=key_result_ids)


@shared_task(**RETRY)
def kpi_rollup(*, kpi_id: int) -> dict | None:
    from .services import kpi_rollup as run

    return run(kpi_id=kpi_id)


@shared_task(**RETRY)
def okr_rollup_and_snapshot(*, workspace_id: int, day: str) -> dict:
    from .services import workspace_rollup_and_snapshot

    return workspace_rollup_and_snapshot(workspace_id=workspace_id, day=date.fromisoformat(day))


@shared_task(**RETRY)
def okr_nightly_rollup() -> int:
    """Beat entry point: one rollup-and-snapshot task per workspace that has objectives."""
    from .models import Objective

    day = timezone.localdate().isoformat()
    workspace_ids = list(Objective.objects.order_by().values_list("workspace_id", flat=True).distinct())
    for workspace_id in workspace_ids:
        okr_rollup_and_snapshot.delay(workspace_id=workspace_id, day=day)
    return len(workspace_ids)


@shared_task(**RETRY)
def okr_recompute_job(*, job_id: int) -> None:
    from .services import okr_recompute_run

    okr_recompute_run(job_id=job_id)

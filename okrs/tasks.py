"""Celery tasks of OKR rollups: thin wrappers that take ids and call the rollup services."""

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .selectors import workspace_ids_with_objectives
from .services import rollup

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
    return rollup.workspace_rollup(workspace_id=workspace_id, key_result_ids=key_result_ids)


@shared_task(**RETRY)
def kpi_rollup(*, kpi_id: int) -> dict | None:
    return rollup.kpi_rollup(kpi_id=kpi_id)


@shared_task(**RETRY)
def okr_rollup_and_snapshot(*, workspace_id: int, day: str) -> dict:
    return rollup.workspace_rollup_and_snapshot(workspace_id=workspace_id, day=date.fromisoformat(day))


@shared_task(**RETRY)
def okr_nightly_rollup() -> int:
    """Beat entry point: one rollup-and-snapshot task per workspace that has objectives."""
    day = timezone.localdate().isoformat()
    workspace_ids = workspace_ids_with_objectives()
    for workspace_id in workspace_ids:
        okr_rollup_and_snapshot.delay(workspace_id=workspace_id, day=day)
    return len(workspace_ids)


@shared_task(**RETRY)
def okr_recompute_job(*, job_id: int) -> None:
    rollup.okr_recompute_run(job_id=job_id)

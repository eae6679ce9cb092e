"""Rollups scheduled by a write: recorded in the outbox with the write, run once it commits (after a
change to key results or objectives, after a KPI measurement, and on demand as a tracked job)."""

from django.db import transaction

from core import outbox
from jobs.models import Job
from jobs.services import job_create

from ..models import KPI, RECOMPUTE_JOB_KIND


def rollup_enqueue(*, workspace_id: int, key_result_ids: list[int] | None = None) -> None:
    """Roll up what a write touched (the given key results, or all when None) and every objective."""
    outbox.enqueue("okrs.tasks.okr_rollup", workspace_id=workspace_id, key_result_ids=key_result_ids)


def kpi_rollup_enqueue(*, kpi: KPI) -> None:
    outbox.enqueue("okrs.tasks.kpi_rollup", kpi_id=kpi.pk)


@transaction.atomic
def okr_recompute_start(*, workspace, actor) -> Job:
    """An on-demand recompute of a workspace's OKRs, as a tracked job run by a worker."""
    job = job_create(workspace=workspace, kind=RECOMPUTE_JOB_KIND, actor=actor)
    outbox.enqueue("okrs.tasks.okr_recompute_job", job_id=job.pk)
    return job

"""Rollups scheduled after the surrounding transaction commits: after a write, after a KPI
measurement, and on demand as a tracked job. The rollups themselves are in rollup.py."""

from functools import partial

from django.db import transaction

from jobs.models import Job
from jobs.services import job_create

from ..models import KPI, RECOMPUTE_JOB_KIND
from ..tasks import kpi_rollup, okr_recompute_job, okr_rollup


def rollup_enqueue(*, workspace_id: int, key_result_ids: list[int] | None = None) -> None:
    """Roll up what a write touched (the given key results, or all when None) and every objective."""
    transaction.on_commit(partial(okr_rollup.delay, workspace_id=workspace_id, key_result_ids=key_result_ids))


def kpi_rollup_enqueue(*, kpi: KPI) -> None:
    transaction.on_commit(partial(kpi_rollup.delay, kpi_id=kpi.pk))


@transaction.atomic
def okr_recompute_start(*, workspace, actor) -> Job:
    """An on-demand recompute of a workspace's OKRs, as a tracked job run by a worker."""
    job = job_create(workspace=workspace, kind=RECOMPUTE_JOB_KIND, actor=actor)
    transaction.on_commit(partial(okr_recompute_job.delay, job_id=job.pk))
    return job

"""Writes of background job records: pages and the API read state and progress from them."""

from django.db import transaction
from django.utils import timezone

from .models import Job, JobState


@transaction.atomic
def job_create(*, workspace, kind: str, actor, product=None) -> Job:
    job = Job(workspace=workspace, product=product, kind=kind, started_by=actor, created_by=actor)
    job.full_clean()
    job.save()
    return job


def job_start(*, job_id: int) -> None:
    Job.objects.filter(pk=job_id).update(state=JobState.RUNNING, started_at=timezone.now(), progress=0, error="")


def job_progress(*, job_id: int, progress: int) -> None:
    Job.objects.filter(pk=job_id).update(progress=max(0, min(100, int(progress))), updated_at=timezone.now())


def job_succeed(*, job_id: int, result: dict | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.SUCCEEDED, progress=100, result=result, finished_at=timezone.now(), updated_at=timezone.now()
    )


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.FAILED, error=error[:10_000], finished_at=timezone.now(), updated_at=timezone.now()
    )

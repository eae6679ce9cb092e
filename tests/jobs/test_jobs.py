import pytest
from django.http import Http404

from jobs import selectors, services
from jobs.models import JobState


def test_a_job_records_state_progress_and_result(world):
    job = services.job_create(
        workspace=world.workspace, product=world.product, kind="reprioritise", actor=world.users["product_manager"]
    )
    assert (job.state, job.progress, job.started_by) == (JobState.PENDING, 0, world.users["product_manager"])
    services.job_start(job_id=job.pk)
    services.job_progress(job_id=job.pk, progress=140)  # clamped
    job.refresh_from_db()
    assert (job.state, job.progress) == (JobState.RUNNING, 100)
    services.job_succeed(job_id=job.pk, result={"scored": 42})
    job.refresh_from_db()
    assert job.is_finished and job.result == {"scored": 42} and job.finished_at is not None


def test_a_failed_job_keeps_its_error(world):
    job = services.job_create(workspace=world.workspace, kind="import", actor=None)
    services.job_fail(job_id=job.pk, error="Row 3: effort must be positive.")
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "Row 3: effort must be positive."


def test_jobs_of_another_workspace_are_not_found(world):
    job = services.job_create(workspace=world.other_workspace, kind="import", actor=world.outsider)
    with pytest.raises(Http404):
        selectors.job_get_for_user(user=world.users["admin"], job_id=job.pk)
    assert selectors.job_get_for_user(user=world.outsider, job_id=job.pk) == job

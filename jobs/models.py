from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from core.models import BaseModel


class JobState(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Job(BaseModel):
    """A long-running background task, so pages and the API can show its state and progress.

    A running job shows a sign of life (`heartbeat_at`) as it progresses; the sweeper
    (`jobs.services.jobs_recover_stale`) re-runs or fails the jobs whose worker went silent, using
    the Celery task and arguments recorded when the job was sent (`task_name`, `task_kwargs`).
    """

    workspace_path = "workspace"
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="jobs")
    product = models.ForeignKey(
        "products.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(max_length=60)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requeues = models.PositiveSmallIntegerField(default=0)
    task_name = models.CharField(max_length=200, blank=True)
    task_kwargs = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_state_display()}, {self.progress} %)"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def last_sign_of_life(self):
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def stale_reason(self) -> str:
        """Why an unfinished job looks dead ("" when it does not): pages stop polling it and say so."""
        silent_for = timezone.now() - self.last_sign_of_life
        if self.state == JobState.RUNNING and silent_for > timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT):
            return (
                f"No sign of life from the worker for {_minutes(silent_for)}: it may have stopped. "
                "The job will be restarted or marked failed; reload the page to see."
            )
        if self.state == JobState.PENDING and silent_for > timedelta(seconds=settings.JOB_PENDING_TIMEOUT):
            return (
                f"Waiting for {_minutes(silent_for)}: no worker has picked the job up. "
                "Check that a Celery worker is running, then reload the page."
            )
        return ""

    @property
    def should_poll(self) -> bool:
        """A page keeps asking for news only while the job is alive."""
        return not self.is_finished and not self.stale_reason


def _minutes(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return "less than a minute" if minutes < 1 else f"{minutes} min"

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Every PMHub object records when it was made and changed, by whom, and a version.

    `version` grows by one on each update; the API compares it with `If-Match` so that a
    stale write is refused instead of silently overwriting someone else's change.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class OutboxMessage(models.Model):
    """A task to run because a write committed: written in the write's own transaction (core.outbox).

    Relayed to the broker right after the commit and, while the broker is away, by the periodic
    sweeper; a worker marks it claimed when it starts and done when the task succeeds.
    """

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(done_at__isnull=True), name="outbox_open"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"

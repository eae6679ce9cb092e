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

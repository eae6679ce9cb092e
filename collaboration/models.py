"""Comments on domain objects, the trash of deleted ones, and (history.py) the tracked history of every change."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.bounds import BoundedTextField
from core.models import BaseModel

from . import history  # noqa: F401  (declares the pghistory event models of this app)

COMMENT_MAX = 10_000  # characters of Markdown in one comment
TRASH_DAYS = 30  # how long a deleted object can be restored


class Comment(BaseModel):
    """A comment on an object of a registered kind (collaboration.targets); one level of replies.

    `body` is the Markdown the author wrote; `body_html` is its sanitised rendering, made by the
    service at write time (collaboration.markdown), so pages never render untrusted HTML.
    """

    workspace_path = "workspace"

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="comments")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = BoundedTextField(max_length=COMMENT_MAX)
    body_html = models.TextField(editable=False, default="")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="comment_by_target"),
            models.Index(fields=["workspace", "id"], name="comment_by_workspace"),
        ]

    def __str__(self) -> str:
        return f"Comment #{self.pk}"


class TrashEntry(models.Model):
    """A deleted object kept for TRASH_DAYS: the serialised rows of it and of what went with it.

    `snapshot` holds {"objects": [Django-serialised rows, parents first], "relinks": [...]}:
    restoring saves the rows again with their ids and re-attaches the links (an item's sprint,
    the items of an initiative) that deleting had cleared.
    """

    workspace_path = "workspace"

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="trash_entries")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True, help_text="The object's page once restored.")
    snapshot = models.JSONField()
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-deleted_at"], name="trash_by_workspace")]
        verbose_name_plural = "trash entries"

    def __str__(self) -> str:
        return self.title

from django.conf import settings
from django.db import models

from core.models import BaseModel

from .formats.records import FORMATS

# An upload is stored in the database in chunks of this size, so a worker on another host reads it
# and no part of the import ever holds the whole file in memory.
CHUNK_BYTES = 1024 * 1024
UPLOAD_MAX_BYTES = 200 * 1024 * 1024
FILES_MAX = 50


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    CHECKED = "checked", "Dry run done"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportBatch(BaseModel):
    """One import: the uploaded files, what was detected in them, the mapping chosen, the reports."""

    workspace_path = "product__workspace"
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="imports")
    format = models.CharField(max_length=12, choices=list(FORMATS.items()))
    target = models.CharField(max_length=30, default="items", help_text="What a generic table holds.")
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED)
    detected = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    dry_run_report = models.JSONField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} import #{self.pk}"


class ImportFile(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ImportChunk(models.Model):
    file = models.ForeignKey(ImportFile, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["file", "position"], name="import_chunk_unique_position")]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.position}"


class ImportedObject(models.Model):
    """Which PMHub object a source object became: importing the same source again updates it."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, help_text="jira, trello, table…")
    kind = models.CharField(max_length=30, help_text="item, sprint, initiative…")
    source_key = models.CharField(max_length=255)
    object_id = models.BigIntegerField()
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "source", "kind", "source_key"], name="imported_object_unique_source_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_key} → {self.kind} #{self.object_id}"

"""Writes of an import: the upload, the preview (what was detected, the default mapping), the mapping
the person edits, and the dry run and run as tracked jobs (enqueued through the outbox)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from backlog.models import ItemKind, ItemStatus
from core import outbox
from core.exceptions import ApplicationError
from jobs.models import Job
from jobs.services import job_create
from workspaces.models import Membership

from .. import mapping as defaults
from ..formats.records import FORMATS, SourceError
from ..models import CHUNK_BYTES, FILES_MAX, UPLOAD_MAX_BYTES, ImportBatch, ImportChunk, ImportFile, ImportState
from ..selectors.preview import detect, detect_items
from ..targets import target_fields, target_get

JOB_KIND = "import"
TASK = "transfer.tasks.import_run"
SPRINT_ACTIONS = defaults.SPRINT_ACTIONS


def guess_format(name: str, head: bytes) -> str:
    """The format of an upload from its name and first bytes."""
    lower = name.lower()
    if lower.endswith(".xlsx") or head[:2] == b"PK":
        return "xlsx"
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff").lstrip()
    if text.startswith("{") or text.startswith("["):
        if '"issues"' in text or '"expand"' in text or '"customfield_' in text:
            return "jira_json"
        trello = ("trello.com/" in text, '"idBoard"' in text, '"labelNames"' in text, "trello" in lower)
        return "trello" if any(trello) else "jira_json"
    first_line = text.split("\n", 1)[0]
    if "Issue key" in first_line or ("Summary" in first_line and "Issue id" in first_line):
        return "jira_csv"
    return "csv"


@transaction.atomic
def import_batch_create(*, product, files: list, actor, format: str = "", target: str = "items") -> ImportBatch:
    """Store the uploaded files (in chunks, never whole in memory) and detect what they hold.

    `files` are Django uploads (or any objects with `name`, `size` and `chunks()`).
    """
    if not files:
        raise ValidationError({"files": "Choose a file to import."})
    if len(files) > FILES_MAX:
        raise ValidationError({"files": f"At most {FILES_MAX} files at once."})
    if sum(f.size for f in files) > UPLOAD_MAX_BYTES:
        raise ValidationError({"files": f"The files are larger than {UPLOAD_MAX_BYTES // 2**20} MB together."})
    if format and format not in FORMATS:
        raise ValidationError({"format": f"Pick one of: {', '.join(FORMATS)}."})
    if target_get(target) is None:
        raise ValidationError({"target": "Pick what the table holds: items, initiatives, objectives or key results."})
    batch = ImportBatch(product=product, format=format or "csv", target=target, started_by=actor, created_by=actor)
    batch.save()
    head = b""
    for position, upload in enumerate(files):
        stored = ImportFile.objects.create(
            batch=batch, name=str(upload.name)[:255], size=upload.size, position=position
        )
        buffer, index = b"", 0
        for piece in upload.chunks(CHUNK_BYTES):
            buffer += piece
            while len(buffer) >= CHUNK_BYTES:
                ImportChunk.objects.create(file=stored, position=index, data=buffer[:CHUNK_BYTES])
                buffer, index = buffer[CHUNK_BYTES:], index + 1
        if buffer or index == 0:
            ImportChunk.objects.create(file=stored, position=index, data=buffer)
        if position == 0:
            head = bytes(ImportChunk.objects.filter(file=stored, position=0).values_list("data", flat=True).get())[
                :4096
            ]
    if not format:
        batch.format = guess_format(str(files[0].name), head)
    if batch.format in ("jira_csv", "jira_json", "trello"):
        batch.target = "items"
    try:
        batch.detected = detect(batch)
        batch.mapping = default_mapping(batch)
        if batch.format in ("csv", "xlsx") and batch.target == "items":
            _detect_table_items(batch)
    except SourceError as error:
        raise ValidationError({"files": str(error)}) from None
    batch.save()
    return batch


def _detect_table_items(batch: ImportBatch) -> None:
    """A table's items are read through its column mapping: what it holds is known once columns are mapped.
    Names seen for the first time get their default mapping; choices made before are kept."""
    batch.detected = {**batch.detected, **detect_items(batch), "format": batch.format}
    fresh = default_mapping(batch)
    for section in ("status", "kind", "people", "sprints"):
        batch.mapping[section] = {
            **fresh[section],
            **{k: v for k, v in batch.mapping.get(section, {}).items() if k in fresh[section]},
        }


def _members(workspace_id: int) -> list[dict]:
    rows = Membership.objects.filter(workspace_id=workspace_id).select_related("user")
    return [
        {"id": m.user_id, "username": m.user.username, "email": m.user.email or "", "full_name": m.user.get_full_name()}
        for m in rows
    ]


def default_mapping(batch: ImportBatch) -> dict:
    detected = batch.detected
    if batch.format in ("csv", "xlsx"):
        target = target_get(batch.target)
        columns = defaults.default_columns(detected.get("header", []), target_fields(target, batch.product))
    else:
        columns = {}
    members = _members(batch.product.workspace_id)
    return {
        "columns": columns,
        "status": {
            s["name"]: defaults.default_status(s["name"], s.get("category", "")) for s in detected.get("statuses", [])
        },
        "kind": {t: defaults.default_kind(t) for t in detected.get("types", [])},
        "people": {p: defaults.default_person(p, members) for p in detected.get("people", [])},
        "sprints": {s: "create" for s in detected.get("sprints", [])},
        "include_archived": False,
    }


MAPPING_KEYS = {"columns", "status", "kind", "people", "sprints", "include_archived"}


def _check_choice(errors: dict, section: str, values: dict, allowed) -> None:
    for source, value in values.items():
        if value not in allowed:
            errors.setdefault(section, []).append(
                f"“{source}”: {value!r} is not one of {', '.join(map(str, allowed))}."
            )


@transaction.atomic
def import_mapping_set(*, batch: ImportBatch, mapping: dict, actor) -> ImportBatch:
    """Change the mapping (only the sections given); every value is checked against PMHub's choices."""
    batch = ImportBatch.objects.select_for_update().select_related("product").get(pk=batch.pk)
    if batch.state in (ImportState.RUNNING, ImportState.DONE):
        raise ApplicationError("This import has run; upload the file again to import it again.")
    unknown = set(mapping) - MAPPING_KEYS
    if unknown:
        raise ValidationError({"mapping": f"Unknown sections: {', '.join(sorted(unknown))}."})
    merged = {**batch.mapping}
    errors: dict = {}
    for section in ("columns", "status", "kind", "people", "sprints"):
        if section in mapping:
            if not isinstance(mapping[section], dict):
                errors[section] = ["A mapping of source names to values."]
                continue
            merged[section] = {**merged.get(section, {}), **mapping[section]}
    if "include_archived" in mapping:
        merged["include_archived"] = bool(mapping["include_archived"])
    _check_choice(errors, "status", merged.get("status", {}), ItemStatus.values)
    _check_choice(errors, "kind", merged.get("kind", {}), ItemKind.values)
    _check_choice(errors, "sprints", merged.get("sprints", {}), SPRINT_ACTIONS)
    member_ids = set(
        Membership.objects.filter(workspace_id=batch.product.workspace_id).values_list("user_id", flat=True)
    )
    _check_choice(errors, "people", merged.get("people", {}), sorted(member_ids) + [None])
    fields = target_fields(target_get(batch.target), batch.product)
    _check_choice(errors, "columns", merged.get("columns", {}), [*fields, ""])
    if errors:
        raise ValidationError(errors)
    batch.mapping = merged
    if "columns" in mapping and batch.format in ("csv", "xlsx") and batch.target == "items":
        try:
            _detect_table_items(batch)
        except SourceError as error:
            raise ValidationError({"columns": str(error)}) from None
    batch.state = ImportState.UPLOADED
    batch.dry_run_report = None
    batch.save(update_fields=["mapping", "detected", "state", "dry_run_report", "updated_at"])
    return batch


@transaction.atomic
def import_start(*, batch: ImportBatch, actor, dry_run: bool) -> Job:
    """Record a tracked job for the dry run or the run and enqueue it after commit."""
    batch = ImportBatch.objects.select_for_update().select_related("product__workspace").get(pk=batch.pk)
    if batch.state in (ImportState.RUNNING, ImportState.DONE):
        raise ApplicationError("This import is running or has run; upload the file again to import it again.")
    if not dry_run and batch.state != ImportState.CHECKED:
        raise ApplicationError("Run a dry run first: it lists what will change and any rows to fix.")
    if not dry_run and (batch.dry_run_report or {}).get("error_count"):
        raise ApplicationError("The dry run found rows to fix; fix the file or the mapping and try again.")
    product = batch.product
    job = job_create(workspace=product.workspace, product=product, kind=JOB_KIND, actor=actor)
    if not dry_run:
        batch.state = ImportState.RUNNING
    batch.job = job
    batch.save(update_fields=["state", "job", "updated_at"])
    outbox.enqueue(TASK, batch_id=batch.pk, job_id=job.pk, dry_run=dry_run, actor_id=getattr(actor, "pk", None))
    return job

"""The import job: the dry run and the run are the same work in one transaction; the dry run, or a
run that found invalid rows, rolls it all back. Safe to restart: if the worker dies, the database
drops the open transaction, so the job's next attempt (sent again by the jobs sweeper) starts from
a clean slate; once a run has committed, a redelivered task finds its job done and stops."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from jobs.models import Job, JobState
from jobs.services import job_fail, job_progress_reporter, job_start, job_succeed
from products.models import Product

from ..formats.records import SOURCE_SYSTEM, SourceError
from ..formats.tabular import record_of
from ..models import ImportBatch, ImportedObject, ImportState
from ..selectors.sources import table_rows
from ..targets import target_get
from .items import items_import
from .report import ImportRefused, Report

ADVISORY_NAMESPACE = 4_142  # pg_advisory_xact_lock(namespace, batch id): one run of a batch at a time


def _rows_import(*, batch: ImportBatch, actor, report: Report, progress) -> None:
    """Rows of a generic table for a target other than items, each through its app's service."""
    target = target_get(batch.target)
    product = batch.product
    source = SOURCE_SYSTEM[batch.format]
    kind = target.name
    known = dict(
        ImportedObject.objects.filter(product=product, source=source, kind=kind).values_list("source_key", "object_id")
    )
    rows = table_rows(batch)
    header = next(rows, (0, []))[1]
    columns = batch.mapping.get("columns") or {}
    total = max(1, int(batch.detected.get("count") or 1))
    seen: set[str] = set()
    for number, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        if number % 200 == 0:
            progress(min(95, 5 + 90 * number // total))
        record = record_of(header, columns, number, cells)
        key = record.pop("key", "") or f"row:{number}"
        where = f"row {number}"
        if key in seen:
            report.error(where, f"The key {key} appears twice in the file; keep one of the rows.", "key")
            continue
        seen.add(key)
        missing = [name for name in target.required if not record.get(name)]
        if missing:
            report.error(where, f"Fill in {', '.join(missing)}.", missing[0])
            continue
        existing = target.model.objects.filter(pk=known[key]).first() if key in known else None
        try:
            with transaction.atomic():
                saved = target.save(product=product, record=record, existing=existing, actor=actor)
        except Exception as error:  # noqa: BLE001 — ValidationError and the services' ApplicationError alike, reported per row
            messages = getattr(error, "message_dict", None) or {"": [getattr(error, "message", None) or str(error)]}
            report.errors_from(where, messages)
            continue
        action = "updated" if existing is not None else "created"
        setattr(report, action, getattr(report, action) + 1)
        report.object(
            kind=kind, object_id=saved.pk, label=str(saved), url=target.url(saved) if target.url else "", action=action
        )
        ImportedObject.objects.update_or_create(
            product=product, source=source, kind=kind, source_key=key, defaults={"object_id": saved.pk, "batch": batch}
        )


def import_execute(*, batch: ImportBatch, actor, dry_run: bool, progress=lambda p: None) -> Report:
    """Do the import in one transaction and return the report; raise ImportRefused (after rolling
    everything back) for a dry run or when a row is not valid."""
    report = Report(dry_run=dry_run)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_NAMESPACE, batch.pk])
        if batch.target == "items":
            items_import(batch=batch, actor=actor, report=report, progress=progress)
        else:
            _rows_import(batch=batch, actor=actor, report=report, progress=progress)
        if dry_run or report.error_count:
            raise ImportRefused(report)
        ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.DONE, report=report.as_dict())
    return report


def import_run(*, batch_id: int, job_id: int, dry_run: bool, actor_id: int | None = None) -> dict:
    """The task's body: run the dry run or the run as the tracked job `job_id`."""
    job = Job.objects.filter(pk=job_id).only("state").first()
    batch = ImportBatch.objects.select_related("product__workspace").filter(pk=batch_id).first()
    if job is None or batch is None:
        return {"skipped": "gone"}
    if job.state == JobState.SUCCEEDED or (not dry_run and batch.state == ImportState.DONE):
        if job.state != JobState.SUCCEEDED:
            job_succeed(job_id=job_id, result=batch.report)
        return batch.report or {}
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    batch.product = Product.objects.select_related("workspace").get(pk=batch.product_id)
    job_start(job_id=job_id)
    try:
        with job_progress_reporter(job_id=job_id) as progress:
            report = import_execute(batch=batch, actor=actor, dry_run=dry_run, progress=progress)
    except ImportRefused as refused:
        result = refused.report.as_dict()
        if dry_run:
            ImportBatch.objects.filter(pk=batch_id).update(state=ImportState.CHECKED, dry_run_report=result)
            job_succeed(job_id=job_id, result=result)
        else:
            ImportBatch.objects.filter(pk=batch_id).update(state=ImportState.FAILED, report=result)
            job_fail(job_id=job_id, error=f"{refused.report.error_count} rows are not valid; nothing was imported.")
        return result
    except SourceError as error:
        ImportBatch.objects.filter(pk=batch_id).update(state=ImportState.FAILED, report={"error": str(error)})
        job_fail(job_id=job_id, error=str(error))
        return {"error": str(error)}
    result = report.as_dict()
    job_succeed(job_id=job_id, result=result)
    return result

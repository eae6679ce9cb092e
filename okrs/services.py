"""Writes of objectives, key results, KPIs, measurements and check-ins."""

from datetime import date
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone

from core.events import publish
from core.services import instance_create, instance_update
from jobs.services import job_create, job_fail, job_progress, job_start, job_succeed

from .models import KPI, HealthPolicy, KeyResult, Measurement, Objective
from .rollup import workspace_rollup, workspace_snapshot

RECOMPUTE_JOB_KIND = "okr_recompute"


def rollup_enqueue(*, workspace_id: int, key_result_ids: list[int] | None = None) -> None:
    """After the surrounding transaction commits, roll up what a write touched (or the whole workspace)."""
    from .tasks import okr_rollup

    transaction.on_commit(partial(okr_rollup.delay, workspace_id=workspace_id, key_result_ids=key_result_ids))


def kpi_rollup_enqueue(*, kpi: KPI) -> None:
    from .tasks import kpi_rollup

    transaction.on_commit(partial(kpi_rollup.delay, kpi_id=kpi.pk))


def kpi_rollup(*, kpi_id: int) -> dict | None:
    """Roll up the key results tracking a KPI, workspace by workspace (a KPI lives in one workspace)."""
    kpi = KPI.objects.select_related("product").filter(pk=kpi_id).first()
    if kpi is None:
        return None
    key_result_ids = list(KeyResult.objects.filter(kpi_id=kpi_id).values_list("pk", flat=True))
    if not key_result_ids:
        return {"key_results": 0, "objectives_changed": 0}
    return workspace_rollup(workspace_id=kpi.product.workspace_id, key_result_ids=key_result_ids)


def workspace_rollup_and_snapshot(*, workspace_id: int, day: date) -> dict:
    """The nightly figure: recompute everything, then store the day's snapshot (idempotent per day)."""
    figures = workspace_rollup(workspace_id=workspace_id, today=day)
    return {**figures, "snapshot": workspace_snapshot(workspace_id=workspace_id, day=day)}


@transaction.atomic
def okr_recompute_start(*, workspace, actor):
    """An on-demand recompute of a workspace's OKRs, as a tracked job run by a worker."""
    from .tasks import okr_recompute_job

    job = job_create(workspace=workspace, kind=RECOMPUTE_JOB_KIND, actor=actor)
    transaction.on_commit(partial(okr_recompute_job.delay, job_id=job.pk))
    return job


def okr_recompute_run(*, job_id: int) -> None:
    from jobs.models import Job, JobState

    job = Job.objects.filter(pk=job_id, kind=RECOMPUTE_JOB_KIND).first()
    if job is None or job.state == JobState.SUCCEEDED:
        return  # gone, or a redelivery of a job already done
    job_start(job_id=job_id)
    try:
        day = timezone.localdate()
        result = workspace_rollup(workspace_id=job.workspace_id, today=day)
        job_progress(job_id=job_id, progress=70)  # the rollup is the long part; the snapshot is one statement each
        result["snapshot"] = workspace_snapshot(workspace_id=job.workspace_id, day=day)
    except Exception as error:  # recorded on the job for the page, then raised for Celery
        job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
        raise
    job_succeed(job_id=job_id, result=result)


def _latest_value(**measurement_filter) -> Decimal | None:
    latest = Measurement.objects.filter(**measurement_filter).order_by("-measured_at", "-id").first()
    return None if latest is None else latest.value


def key_results_follow_kpi(*, kpi: KPI) -> int:
    """Set the current value of every key result tracking `kpi` to the KPI's latest measurement."""
    value = _latest_value(kpi=kpi)
    if value is None:
        return 0
    return KeyResult.objects.filter(kpi=kpi).update(current_value=value, updated_at=timezone.now())


@transaction.atomic
def key_result_create(*, instance: KeyResult, actor) -> KeyResult:
    if instance.kpi_id and instance.current_value is None:
        instance.current_value = _latest_value(kpi_id=instance.kpi_id)
    key_result = instance_create(instance=instance, actor=actor)
    rollup_enqueue(workspace_id=key_result.objective.workspace_id, key_result_ids=[key_result.pk])
    return key_result


@transaction.atomic
def key_result_update(*, key_result: KeyResult, data: dict, actor) -> KeyResult:
    key_result, changed = instance_update(instance=key_result, data=data)
    if changed:
        rollup_enqueue(workspace_id=key_result.objective.workspace_id, key_result_ids=[key_result.pk])
    return key_result


@transaction.atomic
def objective_save(*, objective: Objective, data: dict | None, actor, m2m=None) -> Objective:
    """Create (data None) or update an objective; its place in the tree changes every figure above it."""
    if data is None:
        objective = instance_create(instance=objective, actor=actor, m2m=m2m)
        changed = True
    else:
        objective, changed = instance_update(instance=objective, data=data, m2m=m2m)
    if changed:
        rollup_enqueue(workspace_id=objective.workspace_id, key_result_ids=[])
    return objective


@transaction.atomic
def key_result_check_in(
    *, key_result: KeyResult, value: Decimal, confidence: int, note: str, actor, measured_at=None
) -> Measurement:
    """Record a check-in; the key result's current value becomes the latest checked-in value."""
    check_in = instance_create(
        instance=Measurement(
            key_result=key_result,
            value=value,
            confidence=confidence,
            note=note,
            measured_at=measured_at or timezone.now(),
        ),
        actor=actor,
    )
    KeyResult.objects.filter(pk=key_result.pk).update(
        current_value=_latest_value(key_result=key_result), updated_at=timezone.now()
    )
    key_result.refresh_from_db(fields=["current_value", "updated_at"])
    rollup_enqueue(workspace_id=key_result.objective.workspace_id, key_result_ids=[key_result.pk])
    publish(
        event="key_result.checked_in",
        workspace_id=key_result.objective.workspace_id,
        data={
            "id": key_result.pk,
            "objective": key_result.objective_id,
            "measurement": check_in.pk,
            "value": str(check_in.value),
            "confidence": check_in.confidence,
            "current_value": None if key_result.current_value is None else str(key_result.current_value),
        },
    )
    return check_in


@transaction.atomic
def measurement_create(*, kpi: KPI, value: Decimal, measured_at, note: str, actor) -> Measurement:
    measurement = instance_create(
        instance=Measurement(kpi=kpi, value=value, measured_at=measured_at or timezone.now(), note=note),
        actor=actor,
    )
    key_results_follow_kpi(kpi=kpi)
    kpi_rollup_enqueue(kpi=kpi)
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement) -> None:
    kpi, key_result = measurement.kpi, measurement.key_result
    measurement.delete()
    if kpi is not None:
        key_results_follow_kpi(kpi=kpi)
        kpi_rollup_enqueue(kpi=kpi)
    else:
        KeyResult.objects.filter(pk=key_result.pk).update(
            current_value=_latest_value(key_result=key_result), updated_at=timezone.now()
        )
        rollup_enqueue(workspace_id=key_result.objective.workspace_id, key_result_ids=[key_result.pk])


IMPORT_MAX_ROWS = 20_000


def _parse_measured_at(raw: str):
    from datetime import datetime, time

    from django.utils.dateparse import parse_date, parse_datetime

    raw = raw.strip()
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = None if day is None else datetime.combine(day, time(12))
    except ValueError:
        moment = None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@transaction.atomic
def measurements_import(*, product, rows: list[dict], actor) -> int:
    """Add KPI measurements from CSV rows ({"line", "kpi", "measured_at", "value", "note"}).

    All or nothing: every row is checked first, and one bad row refuses the whole file with a message
    per row, naming its line, so the file can be fixed and sent again.
    """
    from django import forms
    from django.core.exceptions import ValidationError

    if not rows:
        raise ValidationError("The file has no rows under its header.")
    if len(rows) > IMPORT_MAX_ROWS:
        raise ValidationError(f"The file has {len(rows)} rows; import at most {IMPORT_MAX_ROWS:,} at once.")
    kpis = {kpi.name.casefold(): kpi for kpi in KPI.objects.filter(product=product)}
    value_field = forms.DecimalField(max_digits=16, decimal_places=4)
    errors, measurements = [], []
    for row in rows:
        line, problems = row["line"], []
        kpi = kpis.get((row.get("kpi") or "").strip().casefold())
        if kpi is None:
            problems.append(f"no KPI named “{(row.get('kpi') or '').strip()}” in {product.name}")
        measured_at = _parse_measured_at(row.get("measured_at") or "")
        if measured_at is None:
            problems.append(f"“{row.get('measured_at') or ''}” is not a date like 2027-01-31 or 2027-01-31T09:30")
        try:
            value = value_field.clean((row.get("value") or "").strip())
        except ValidationError as error:
            problems.append(f"value “{row.get('value') or ''}”: {' '.join(error.messages)}")
        note = (row.get("note") or "").strip()
        if problems:
            errors.append(f"Line {line}: " + "; ".join(problems) + ".")
            continue
        measurements.append(Measurement(kpi=kpi, value=value, measured_at=measured_at, note=note, created_by=actor))
    if errors:
        raise ValidationError(errors[:50] + ([f"… and {len(errors) - 50} more lines."] if len(errors) > 50 else []))
    Measurement.objects.bulk_create(measurements, batch_size=1000)
    for kpi in {m.kpi_id: m.kpi for m in measurements}.values():
        key_results_follow_kpi(kpi=kpi)
        kpi_rollup_enqueue(kpi=kpi)
    return len(measurements)


@transaction.atomic
def health_policy_save(*, workspace, data: dict, actor) -> HealthPolicy:
    """Set a workspace's health thresholds; every health figure is recomputed after commit."""
    policy = HealthPolicy.objects.select_for_update().filter(workspace=workspace).first()
    if policy is None:
        policy = instance_create(instance=HealthPolicy(workspace=workspace, **data), actor=actor)
        changed = True
    else:
        policy, changed = instance_update(instance=policy, data=data)
    if changed:  # the health of every key result and objective depends on the thresholds
        rollup_enqueue(workspace_id=workspace.pk, key_result_ids=None)
    return policy


def _announce_objective(event: str, objective: Objective, **extra) -> None:
    data = {
        "id": objective.pk,
        "product": objective.product_id,
        "parent": objective.parent_id,
        "title": objective.title,
        "period": objective.period,
        "version": objective.version,
        **extra,
    }
    publish(event=event, workspace_id=objective.workspace_id, data=data)


@transaction.atomic
def objective_create(*, instance: Objective, actor, m2m=None) -> Objective:
    objective = objective_save(objective=instance, data=None, actor=actor, m2m=m2m)
    _announce_objective("objective.created", objective)
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, data: dict, actor=None, m2m=None) -> Objective:
    before = {f: getattr(objective, f) for f in data}
    version = objective.version
    objective = objective_save(objective=objective, data=data, actor=actor, m2m=m2m)
    if objective.version != version:
        changed = sorted([f for f in data if before[f] != getattr(objective, f)] + list(m2m or {}))
        _announce_objective("objective.updated", objective, changed=changed)
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective) -> None:
    objective_id = objective.pk
    objective.delete()
    objective.pk = objective_id
    rollup_enqueue(workspace_id=objective.workspace_id, key_result_ids=[])  # the tree above it changed
    _announce_objective("objective.deleted", objective)

"""Writes of KPI measurements: one at a time, deleted, or imported from a CSV file. The key results
tracking a KPI follow its latest measurement (okrs.progress.key_result_current_value)."""

from datetime import UTC, datetime, time
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.services import instance_create, instance_delete

from ..models import KPI, KeyResult, Measurement
from .rollup import key_results_values_refresh
from .scheduling import kpi_rollup_enqueue, rollup_enqueue

IMPORT_MAX_ROWS = 20_000


def _key_results_follow(*, kpi_ids) -> int:
    """Refresh the current value of every key result tracking one of the KPIs."""
    return key_results_values_refresh(
        key_results=KeyResult.objects.filter(kpi_id__in=kpi_ids), touched_at=timezone.now()
    )


@transaction.atomic
def measurement_create(*, kpi: KPI, value: Decimal, measured_at: datetime | None, note: str, actor) -> Measurement:
    measurement = instance_create(
        instance=Measurement(kpi=kpi, value=value, measured_at=measured_at or timezone.now(), note=note),
        actor=actor,
    )
    _key_results_follow(kpi_ids=[kpi.pk])
    kpi_rollup_enqueue(kpi=kpi)
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement, actor=None) -> None:
    """Delete a KPI measurement or a check-in; the key results it moved fall back to the value before it."""
    kpi, key_result = measurement.kpi, measurement.key_result
    instance_delete(instance=measurement, actor=actor)
    if kpi is not None:
        _key_results_follow(kpi_ids=[kpi.pk])
        kpi_rollup_enqueue(kpi=kpi)
    else:
        key_results_values_refresh(key_results=KeyResult.objects.filter(pk=key_result.pk), touched_at=timezone.now())
        rollup_enqueue(workspace_id=key_result.objective.workspace_id, key_result_ids=[key_result.pk])


MEASURED_YEARS = (1900, 2100)  # a moment outside these years is a typing error, and could not be stored in UTC


def _parse_measured_at(raw: str) -> datetime | None:
    """The moment a CSV cell names (a date means its noon), or None when it names none PMHub can store."""
    raw = raw.strip()
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = None if day is None else datetime.combine(day, time(12))
        if moment is not None:
            moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
            moment = moment.astimezone(UTC)  # an extreme offset may overflow here
    except (ValueError, OverflowError):
        return None
    if moment is None or not MEASURED_YEARS[0] <= moment.year <= MEASURED_YEARS[1]:
        return None
    return moment


@transaction.atomic
def measurements_import(*, product, rows: list[dict], actor) -> int:
    """Add KPI measurements from CSV rows ({"line", "kpi", "measured_at", "value", "note"}).

    All or nothing: every row is checked first, and one bad row refuses the whole file with a message
    per row, naming its line, so the file can be fixed and sent again.
    """
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
    imported = {m.kpi_id: m.kpi for m in measurements}
    _key_results_follow(kpi_ids=list(imported))
    for kpi in imported.values():
        kpi_rollup_enqueue(kpi=kpi)
    return len(measurements)

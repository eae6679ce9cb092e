"""Writes of objectives, key results, KPIs, measurements and check-ins."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pmhub.services import instance_create

from .models import KPI, KeyResult, Measurement


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
    return instance_create(instance=instance, actor=actor)


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
    return check_in


@transaction.atomic
def measurement_create(*, kpi: KPI, value: Decimal, measured_at, note: str, actor) -> Measurement:
    measurement = instance_create(
        instance=Measurement(kpi=kpi, value=value, measured_at=measured_at or timezone.now(), note=note),
        actor=actor,
    )
    key_results_follow_kpi(kpi=kpi)
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement) -> None:
    kpi, key_result = measurement.kpi, measurement.key_result
    measurement.delete()
    if kpi is not None:
        key_results_follow_kpi(kpi=kpi)
    else:
        KeyResult.objects.filter(pk=key_result.pk).update(
            current_value=_latest_value(key_result=key_result), updated_at=timezone.now()
        )

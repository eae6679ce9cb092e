"""Writes of objectives, key results, KPIs, measurements and check-ins."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pmhub.events import publish
from pmhub.services import instance_create, instance_update

from .models import KPI, KeyResult, Measurement, Objective


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
def objective_create(*, instance: Objective, actor) -> Objective:
    objective = instance_create(instance=instance, actor=actor)
    _announce_objective("objective.created", objective)
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, data: dict) -> Objective:
    before = {f: getattr(objective, f) for f in data}
    objective, changed = instance_update(instance=objective, data=data)
    if changed:
        _announce_objective(
            "objective.updated", objective, changed=sorted(f for f in data if before[f] != getattr(objective, f))
        )
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective) -> None:
    objective_id = objective.pk
    objective.delete()
    objective.pk = objective_id
    _announce_objective("objective.deleted", objective)

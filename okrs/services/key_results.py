"""Writes of key results: create, update and check in. Each keeps the current value by its one rule
(okrs.progress.key_result_current_value) and schedules the rollup of the figures after commit."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.events import publish
from core.services import instance_create, instance_delete, instance_update

from ..events import KEY_RESULT_CHECKED_IN
from ..models import KeyResult, Measurement
from .rollup import key_results_values_refresh
from .scheduling import rollup_enqueue

# The fields a key result's figures depend on: a change of any of them is rolled up.
FIGURE_FIELDS = frozenset({"start_value", "target_value", "direction", "weight", "kpi"})
VALUE_FIELDS = ["current_value", "confidence", "last_check_in_at", "last_check_in_note", "updated_at"]


def _values_refresh(key_result: KeyResult) -> None:
    key_results_values_refresh(key_results=KeyResult.objects.filter(pk=key_result.pk), touched_at=timezone.now())
    key_result.refresh_from_db(fields=VALUE_FIELDS)


@transaction.atomic
def key_result_create(*, instance: KeyResult, actor) -> KeyResult:
    key_result = instance_create(instance=instance, actor=actor)
    _values_refresh(key_result)  # a key result tracking a KPI starts at its latest measurement
    rollup_enqueue(workspace_id=key_result.objective.workspace_id, key_result_ids=[key_result.pk])
    return key_result


@transaction.atomic
def key_result_update(*, key_result: KeyResult, data: dict, actor) -> KeyResult:
    key_result, changed = instance_update(instance=key_result, data=data)
    if "kpi" in changed:
        _values_refresh(key_result)
    if FIGURE_FIELDS.intersection(changed):
        rollup_enqueue(workspace_id=key_result.objective.workspace_id, key_result_ids=[key_result.pk])
    return key_result


@transaction.atomic
def key_result_delete(*, key_result: KeyResult, actor=None) -> None:
    """Delete a key result with its check-ins; the delete hooks keep it in the trash. The objective rolls up again."""
    workspace_id = key_result.objective.workspace_id
    instance_delete(instance=key_result, actor=actor)
    rollup_enqueue(workspace_id=workspace_id, key_result_ids=[])


@transaction.atomic
def key_result_check_in(
    *,
    key_result: KeyResult,
    value: Decimal,
    confidence: int,
    note: str,
    actor,
    measured_at: datetime | None = None,
) -> Measurement:
    """Record a check-in. The key result's current value becomes the latest check-in, unless it tracks
    a KPI that has a measurement (then the check-in gives its confidence and note)."""
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
    _values_refresh(key_result)
    rollup_enqueue(workspace_id=key_result.objective.workspace_id, key_result_ids=[key_result.pk])
    publish(
        event=KEY_RESULT_CHECKED_IN,
        workspace_id=key_result.objective.workspace_id,
        data={
            "id": key_result.pk,
            "objective": key_result.objective_id,
            "measurement": check_in.pk,
            "value": str(check_in.value),
            "confidence": check_in.confidence,
            "current_value": None if key_result.current_value is None else str(key_result.current_value),
            "actor": getattr(actor, "pk", None),
        },
    )
    return check_in

"""Writes of objectives: each is announced, and a change to the tree or the weights is rolled up."""

from django.db import transaction

from core.events import publish
from core.services import instance_create, instance_delete, instance_update

from ..events import OBJECTIVE_CREATED, OBJECTIVE_DELETED, OBJECTIVE_UPDATED
from ..models import Objective
from .scheduling import rollup_enqueue

# The fields an objective's figures (and those of the objectives above it) depend on.
FIGURE_FIELDS = frozenset({"parent", "weight", "period"})


def _announce(event: str, objective: Objective, **extra) -> None:
    data = {
        "id": objective.pk,
        "product": objective.product_id,
        "parent": objective.parent_id,
        "title": objective.title,
        "period": objective.period,
        "version": objective.version,
        "owner": objective.owner_id,
        **extra,
    }
    publish(event=event, workspace_id=objective.workspace_id, data=data)


@transaction.atomic
def objective_create(*, instance: Objective, actor, m2m=None) -> Objective:
    objective = instance_create(instance=instance, actor=actor, m2m=m2m)
    rollup_enqueue(workspace_id=objective.workspace_id, key_result_ids=[])
    _announce(OBJECTIVE_CREATED, objective, actor=getattr(actor, "pk", None))
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, data: dict, actor=None, m2m=None) -> Objective:
    objective, changed = instance_update(instance=objective, data=data, m2m=m2m)
    if FIGURE_FIELDS.intersection(changed):
        rollup_enqueue(workspace_id=objective.workspace_id, key_result_ids=[])
    if changed:
        _announce(OBJECTIVE_UPDATED, objective, changed=changed, actor=getattr(actor, "pk", None))
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective, actor=None) -> None:
    objective_id = objective.pk
    instance_delete(instance=objective, actor=actor)
    objective.pk = objective_id
    rollup_enqueue(workspace_id=objective.workspace_id, key_result_ids=[])  # the tree above it changed
    _announce(OBJECTIVE_DELETED, objective, actor=getattr(actor, "pk", None))

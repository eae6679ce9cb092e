"""Writes of a workspace's health thresholds (what counts as at risk and off track)."""

from django.db import transaction

from core.services import instance_create, instance_update

from ..models import HealthPolicy
from .scheduling import rollup_enqueue


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

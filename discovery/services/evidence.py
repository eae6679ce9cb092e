"""Keep the customer impact columns of items and initiatives current, and the workspace's weighting."""

from django.db import transaction
from django.db.models import Q

from backlog.models import BacklogItem
from backlog.services.evidence import item_customer_impact_set
from core.services import instance_create, instance_update
from roadmap.models import Initiative
from roadmap.services.evidence import initiative_customer_impact_set

from ..models import DiscoverySettings, Idea
from ..selectors.evidence import initiative_impact_figures, item_impact_figures, settings_for


def evidence_refresh(*, workspace_id: int, item_ids=(), initiative_ids=()) -> None:
    """Recompute the impact and evidence count of these items and initiatives from source rows (idempotent)."""
    settings = settings_for(workspace_id=workspace_id)
    item_ids = {pk for pk in item_ids if pk}
    initiative_ids = {pk for pk in initiative_ids if pk}
    if item_ids:
        item_customer_impact_set(figures=item_impact_figures(item_ids=item_ids, settings=settings))
    if initiative_ids:
        initiative_customer_impact_set(
            figures=initiative_impact_figures(initiative_ids=initiative_ids, settings=settings)
        )


def workspace_evidence_refresh(*, workspace_id: int) -> None:
    """Every item and initiative of the workspace that has, or had, evidence (after a change of weighting)."""
    has = Q(insights__isnull=False) | Q(evidence_count__gt=0) | Q(customer_impact__gt=0)
    item_ids = set(
        BacklogItem.objects.filter(has, product__workspace_id=workspace_id).values_list("id", flat=True).distinct()
    )
    item_ids |= set(
        BacklogItem.objects.filter(product__workspace_id=workspace_id)
        .filter(pk__in=_promoted("promoted_item_id", workspace_id))
        .values_list("id", flat=True)
    )
    initiative_ids = set(
        Initiative.objects.filter(has, product__workspace_id=workspace_id).values_list("id", flat=True).distinct()
    )
    initiative_ids |= set(_promoted("promoted_initiative_id", workspace_id))
    evidence_refresh(workspace_id=workspace_id, item_ids=item_ids, initiative_ids=initiative_ids)


def _promoted(field: str, workspace_id: int) -> list[int]:
    return list(
        Idea.objects.filter(product__workspace_id=workspace_id, **{f"{field}__isnull": False}).values_list(
            field, flat=True
        )
    )


WEIGHT_FIELDS = ("weight_basis", "nice_weight", "important_weight", "critical_weight", "vote_weight")


@transaction.atomic
def discovery_settings_update(*, workspace, data: dict, actor) -> DiscoverySettings:
    """Change how evidence is weighed; every impact score of the workspace follows."""
    settings = DiscoverySettings.objects.select_for_update().filter(workspace=workspace).first()
    if settings is None:
        settings = instance_create(instance=DiscoverySettings(workspace=workspace, **data), actor=actor)
        changed = list(data)
    else:
        settings, changed = instance_update(instance=settings, data=data)
    if set(changed) & set(WEIGHT_FIELDS):
        workspace_evidence_refresh(workspace_id=workspace.pk)
    return settings

"""Writes of insights: link a passage of a note to an item, an initiative or an idea."""

from django.db import transaction

from core.services import instance_create, instance_update

from ..events import INSIGHT_LINKED, INSIGHT_UNLINKED, INSIGHT_UPDATED
from ..models import Insight
from .common import announce
from .evidence import evidence_refresh


def _payload(insight: Insight) -> dict:
    return {
        "note": insight.note_id,
        "importance": insight.importance,
        "item": insight.item_id,
        "initiative": insight.initiative_id,
        "idea": insight.idea_id,
    }


def _refresh(insight: Insight, workspace_id: int, *, also=()) -> None:
    items = {insight.item_id, *(i for i, _ in also)}
    initiatives = {insight.initiative_id, *(j for _, j in also)}
    evidence_refresh(workspace_id=workspace_id, item_ids=items, initiative_ids=initiatives)


def _whole_note(insight: Insight) -> str:
    return insight.note.text[:2000]


@transaction.atomic
def insight_create(*, instance: Insight, actor) -> Insight:
    """Link a passage; the target's evidence count and customer impact follow in the same transaction."""
    if not instance.passage and instance.note_id:
        instance.passage = _whole_note(instance)
    insight = instance_create(instance=instance, actor=actor)
    workspace_id = insight.note.product.workspace_id
    announce(INSIGHT_LINKED, workspace_id=workspace_id, obj=insight, **_payload(insight))
    _refresh(insight, workspace_id)
    return insight


@transaction.atomic
def insight_update(*, insight: Insight, data: dict, actor) -> Insight:
    before = [(insight.item_id, insight.initiative_id)]
    if "passage" in data and not data["passage"]:  # as on creation: an empty passage quotes the whole note
        data = {**data, "passage": _whole_note(insight)}
    insight, changed = instance_update(instance=insight, data=data)
    if changed:
        workspace_id = insight.note.product.workspace_id
        announce(INSIGHT_UPDATED, workspace_id=workspace_id, obj=insight, changed=changed, **_payload(insight))
        _refresh(insight, workspace_id, also=before)
    return insight


@transaction.atomic
def insight_delete(*, insight: Insight) -> None:
    pk, workspace_id, payload = insight.pk, insight.note.product.workspace_id, _payload(insight)
    insight.delete()
    insight.pk = pk
    announce(INSIGHT_UNLINKED, workspace_id=workspace_id, obj=insight, **payload)
    _refresh(insight, workspace_id)

"""Writes of feedback notes: record (one or many), edit, process or archive, delete."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.services import instance_create, instance_update

from ..events import FEEDBACK_CREATED, FEEDBACK_DELETED, FEEDBACK_PROCESSED, FEEDBACK_UPDATED
from ..models import FeedbackNote, NoteState
from .common import announce
from .evidence import evidence_refresh

ANALYSE_TASK = "discovery.tasks.notes_analyse"
ANALYSE_BATCH = 200
# Edits of these fields make the stored analysis stale.
ANALYSED_FIELDS = {"text", "title"}


def _payload(note: FeedbackNote) -> dict:
    return {
        "product": note.product_id,
        "source": note.source,
        "customer": note.customer_id,
        "state": note.state,
        "title": note.title,
    }


def _workspace_id(note: FeedbackNote) -> int:
    return note.product.workspace_id


def analysis_enqueue(note_ids: list[int]) -> None:
    """Sentiment and embedding are computed by a task once the notes are committed (outbox)."""
    for start in range(0, len(note_ids), ANALYSE_BATCH):
        outbox.enqueue(ANALYSE_TASK, note_ids=note_ids[start : start + ANALYSE_BATCH])


@transaction.atomic
def note_create(*, instance: FeedbackNote, actor, analyse: bool = True) -> FeedbackNote:
    if instance.captured_by_id is None and actor is not None and actor.is_authenticated:
        instance.captured_by = actor
    note = instance_create(instance=instance, actor=actor)
    announce(FEEDBACK_CREATED, workspace_id=_workspace_id(note), obj=note, **_payload(note))
    if analyse:
        analysis_enqueue([note.pk])
    return note


@transaction.atomic
def notes_create(*, notes: Iterable[FeedbackNote], actor) -> list[FeedbackNote]:
    """Record many notes at once (imports, mail): all or none; one analysis task per batch."""
    created = []
    for index, note in enumerate(notes):
        try:
            created.append(note_create(instance=note, actor=actor, analyse=False))
        except ValidationError as error:
            raise ValidationError({f"row {index + 1}": error.messages}) from error
    analysis_enqueue([n.pk for n in created])
    return created


@transaction.atomic
def note_update(*, note: FeedbackNote, data: dict, actor) -> FeedbackNote:
    if "state" in data:
        state = data.pop("state")
        if state != note.state:
            note = note_set_state(note=note, state=state, actor=actor)
    note, changed = instance_update(instance=note, data=data)
    if changed:
        announce(FEEDBACK_UPDATED, workspace_id=_workspace_id(note), obj=note, changed=changed, **_payload(note))
    if ANALYSED_FIELDS.intersection(changed):
        analysis_enqueue([note.pk])
    if "customer" in changed:
        links = list(note.insights.values_list("item_id", "initiative_id"))
        evidence_refresh(
            workspace_id=_workspace_id(note),
            item_ids={i for i, _ in links},
            initiative_ids={j for _, j in links},
        )
    return note


@transaction.atomic
def note_set_state(*, note: FeedbackNote, state: str, actor) -> FeedbackNote:
    """new → processed or archived (and back to new): who processed it and when are recorded."""
    if state not in NoteState.values:
        raise ValidationError({"state": f"One of: {', '.join(NoteState.values)}."})
    if state == note.state:
        return note
    data = {"state": state, "processed_by": None, "processed_at": None}
    if state != NoteState.NEW:
        data |= {"processed_by": actor if actor is not None and actor.is_authenticated else None}
        data |= {"processed_at": timezone.now()}
    note, _ = instance_update(instance=note, data=data)
    announce(FEEDBACK_PROCESSED, workspace_id=_workspace_id(note), obj=note, **_payload(note))
    return note


@transaction.atomic
def note_delete(*, note: FeedbackNote) -> None:
    links = list(note.insights.values_list("item_id", "initiative_id"))
    pk, workspace_id, payload = note.pk, _workspace_id(note), _payload(note)
    note.delete()
    note.pk = pk
    announce(FEEDBACK_DELETED, workspace_id=workspace_id, obj=note, **payload)
    evidence_refresh(workspace_id=workspace_id, item_ids={i for i, _ in links}, initiative_ids={j for _, j in links})

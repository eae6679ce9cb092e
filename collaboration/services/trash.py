"""The trash: a deleted item, initiative, objective, key result, measurement or check-in is kept for
TRASH_DAYS with everything that went with it, and can be restored with its links until then.

`trash_snapshot` runs inside every delete of a trashable kind (core.services.instance_delete calls it
before deleting): it serialises the rows the delete will remove (the object, what cascades from it, the
many-to-many links, the comments on any of them) and the links the delete will clear (an item's
initiative, a sprint's items), and removes the comments, which no foreign key cascades.
"""

import json
from contextvars import ContextVar
from datetime import datetime, time, timedelta

from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from core.events import publish
from core.exceptions import ApplicationError
from core.ranks import RANK_GAP

from ..events import TRASH_RESTORED, TRASH_TRASHED
from ..models import TRASH_DAYS, Comment, TrashEntry
from ..registry import kind_of_model, kinds

# The trash entries a request made, so that its page can offer to undo them (collaboration.middleware).
trashed_now: ContextVar[list[int] | None] = ContextVar("trashed_now", default=None)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but moments keep their microseconds (it rounds them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _collect(objs) -> NestedObjects:
    collector = NestedObjects(using=connection.alias)
    collector.collect(objs)
    collector.sort()
    return collector


def _comments_of(collector: NestedObjects) -> models.QuerySet:
    condition = Q()
    for kind in kinds(commentable=True):
        ids = [obj.pk for obj in collector.data.get(kind.model, ())]
        if ids:
            condition |= Q(target_type=ContentType.objects.get_for_model(kind.model), target_id__in=ids)
    return Comment.objects.filter(condition) if condition else Comment.objects.none()


def _rows(collector: NestedObjects) -> list[dict]:
    """The collected rows, parents first, with their concrete fields only (links are rows of their own)."""
    rows = []
    for model, instances in reversed(list(collector.data.items())):
        fields = [f.name for f in model._meta.local_fields if not f.primary_key]
        rows.extend(
            json.loads(
                serializers.serialize(
                    "json", sorted(instances, key=lambda o: o.pk), fields=fields, cls=ExactJSONEncoder
                )
            )
        )
    return rows


def _relinks(collector: NestedObjects) -> list[dict]:
    """The links the delete will clear (SET_NULL): which row pointed where, to point it there again."""
    relinks = []
    for (field, _value), batches in collector.field_updates.items():
        rows = []
        for batch in batches:
            if isinstance(batch, models.QuerySet):
                rows.extend(batch.values_list("pk", field.attname))
            else:
                rows.extend((obj.pk, getattr(obj, field.attname)) for obj in batch)
        if rows:
            relinks.append({"model": field.model._meta.label_lower, "field": field.attname, "rows": rows})
    return relinks


def trash_snapshot(*, instance: models.Model, actor) -> TrashEntry | None:
    """Keep `instance` (about to be deleted) and what goes with it in the trash. Caller holds the transaction."""
    kind = kind_of_model(type(instance))
    if kind is None or not kind.trashable:
        return None
    collector = _collect([instance])
    comments = _comments_of(collector)
    comment_collector = _collect(list(comments))
    entry = TrashEntry.objects.create(
        workspace_id=kind.workspace_id_of(instance),
        target_type=ContentType.objects.get_for_model(kind.model),
        target_id=instance.pk,
        title=str(instance)[:300],
        url=kind.url(instance),
        snapshot={
            "objects": _rows(collector) + _rows(comment_collector),
            "relinks": _relinks(collector),
        },
        deleted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    comments.delete()
    publish(event=TRASH_TRASHED, workspace_id=entry.workspace_id, data=_payload(entry, kind.label))
    made = trashed_now.get()
    if made is not None:
        made.append(entry.pk)
    return entry


def _payload(entry: TrashEntry, label: str) -> dict:
    return {
        "id": entry.pk,
        "target": {"type": label, "id": entry.target_id, "title": entry.title},
        "actor": entry.deleted_by_id,
    }


def _make_room(obj: models.Model) -> None:
    """A restored row takes the rank or number it had, unless another row of its product took it since."""
    model = type(obj)
    if not hasattr(obj, "product_id"):
        return
    for name, step in (("rank", RANK_GAP), ("number", 1)):
        if not hasattr(obj, name):
            continue
        siblings = model.objects.filter(product_id=obj.product_id).exclude(pk=obj.pk)
        if siblings.filter(**{name: getattr(obj, name)}).exists():
            setattr(obj, name, (siblings.aggregate(top=Max(name))["top"] or 0) + step)


@transaction.atomic
def trash_restore(*, entry: TrashEntry, actor):
    """Put the object back as it was, with what went with it and its links; the entry leaves the trash.

    Refused with a message when what it belonged to is gone meanwhile (its product, its objective).
    """
    entry = TrashEntry.objects.select_for_update().get(pk=entry.pk)
    restored = None
    try:
        with transaction.atomic():
            for deserialized in serializers.deserialize("json", json.dumps(entry.snapshot["objects"])):
                obj = deserialized.object
                _make_room(obj)
                deserialized.save()
                if type(obj) is entry.target_type.model_class() and obj.pk == entry.target_id:
                    restored = obj
            for relink in entry.snapshot.get("relinks", []):
                _relink(relink)
            connection.check_constraints()
    except (IntegrityError, serializers.base.DeserializationError) as error:
        raise ApplicationError(
            f"“{entry.title}” cannot be restored: what it belonged to was deleted or changed meanwhile."
        ) from error
    label = entry.target_type.app_label + "." + entry.target_type.model
    publish(event=TRASH_RESTORED, workspace_id=entry.workspace_id, data={**_payload(entry, label), "actor": actor.pk})
    entry.delete()
    return restored


def _relink(relink: dict) -> None:
    app_label, model_name = relink["model"].split(".")
    model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    targets: dict = {}
    for pk, value in relink["rows"]:
        targets.setdefault(value, []).append(pk)
    for value, pks in targets.items():
        # Only rows still unlinked: a link somebody set meanwhile is theirs.
        model.objects.filter(pk__in=pks, **{relink["field"]: None}).update(**{relink["field"]: value})


@transaction.atomic
def trash_purge(*, older_than_days: int = TRASH_DAYS) -> int:
    """Delete for good the entries older than `older_than_days`; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    count, _ = TrashEntry.objects.filter(deleted_at__lt=cutoff).delete()
    return count


@transaction.atomic
def trash_entry_delete(*, entry: TrashEntry) -> None:
    """Delete one entry for good (no undo: the page asks first)."""
    entry.delete()

"""Reads of the activity history: a workspace's feed (filtered, in cursor pages) and one object's timeline.

Each tracked model has its own event table (collaboration.history); a page is one UNION ALL of the
tables it concerns, each narrowed to the user's workspaces (through the event row's own product,
objective or workspace) and to the filters, newest first. Then, per kind present on the page, one
query reads the events and one their previous events, so each change shows what it changed from what.
"""

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_datetime
from pghistory.models import Context

from ..history import TRACKED, Tracked

HIDDEN_FIELDS = {"version", "updated_at", "created_at", "created_by", "id"}
ACTIONS = {"insert": "created", "update": "changed", "delete": "deleted"}
PAGE_MAX = 100
LABELS = sorted(TRACKED)  # a kind's index in the page order


@dataclass
class Change:
    field: str
    before: object
    after: object


@dataclass
class Activity:
    at: datetime
    action: str
    kind: str  # label of the tracked model, "backlog.backlogitem"
    noun: str
    object_id: int
    title: str
    user: str | None
    via: str
    changes: list[Change] = field(default_factory=list)
    cursor: str = ""


def encode_cursor(at: datetime, kind_index: int, pgh_id: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{kind_index}|{pgh_id}".encode()).decode()


def decode_cursor(value: str | None) -> tuple[datetime, int, int] | None:
    """The position a cursor names; None for no cursor. ValueError for one that is not ours."""
    if not value:
        return None
    try:
        at_text, index, pgh_id = base64.urlsafe_b64decode(value.encode()).decode().split("|")
        at = parse_datetime(at_text)
        if at is None:
            raise ValueError
        return at, int(index), int(pgh_id)
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise ValueError("This cursor is not one of ours: start again from the first page.") from error


def _workspace_expr(tracked: Tracked):
    paths = [F(f"{p}_id" if p.endswith("workspace") else p) for p in tracked.workspace_paths]
    return paths[0] if len(paths) == 1 else Coalesce(*paths)


def _events(
    label: str,
    workspace_ids,
    *,
    objects: Q | None,
    user_id: int | None,
    since: datetime | None,
    until: datetime | None,
    after: tuple[datetime, int, int] | None,
    limit: int,
):
    tracked = TRACKED[label]
    index = LABELS.index(label)
    qs = tracked.event_model.objects.annotate(pgh_ws=_workspace_expr(tracked), pgh_kind=Value(index)).filter(
        pgh_ws__in=workspace_ids
    )
    if objects is not None:
        qs = qs.filter(objects)
    if user_id is not None:
        qs = qs.filter(pgh_context__metadata__user=user_id)
    if since is not None:
        qs = qs.filter(pgh_created_at__gte=since)
    if until is not None:
        qs = qs.filter(pgh_created_at__lt=until)
    if after is not None:
        at, after_index, pgh_id = after
        if index < after_index:
            qs = qs.filter(pgh_created_at__lte=at)
        elif index == after_index:
            qs = qs.filter(Q(pgh_created_at__lt=at) | Q(pgh_created_at=at, pgh_id__lt=pgh_id))
        else:
            qs = qs.filter(pgh_created_at__lt=at)
    return qs.order_by("-pgh_created_at", "-pgh_id").values_list("pgh_created_at", "pgh_kind", "pgh_id")[:limit]


def _timeline_filters(label: str, object_id: int) -> dict[str, Q]:
    """For one object: its own events, and those of the rows that belong to it (an item's criteria)."""
    model = TRACKED[label].model
    filters = {label: Q(pgh_obj_id=object_id)}
    for other_label, tracked in TRACKED.items():
        for parent in tracked.parents:
            if tracked.event_model._meta.get_field(parent).related_model is model:
                filters[other_label] = filters.get(other_label, Q(pk__in=[])) | Q(**{f"{parent}_id": object_id})
    return filters


def activity_page(
    *,
    workspace_ids,
    kinds: list[str] | None = None,
    target: tuple[str, int] | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Activity], str | None]:
    """One page of activity, newest first, and the cursor of the next page (None at the end).

    `workspace_ids` must already be the user's (a list or a subquery); `target` = (label, id) narrows
    to one object's timeline; `kinds` to some tracked models.
    """
    limit = max(1, min(limit, PAGE_MAX))
    after = decode_cursor(cursor)
    if not settings.HISTORY_RECORDED:  # SQLite: no triggers, no events (and no sliced UNION either)
        return [], None
    filters = _timeline_filters(*target) if target else {label: None for label in LABELS}
    labels = [label for label in filters if kinds is None or label in kinds]
    if not labels:
        return [], None
    parts = [
        _events(
            label,
            workspace_ids,
            objects=filters[label],
            user_id=user_id,
            since=since,
            until=until,
            after=after,
            limit=limit + 1,
        )
        for label in labels
    ]
    if len(parts) == 1:
        keys = list(parts[0])  # already in page order, limit + 1 of them
    else:
        union = parts[0].union(*parts[1:], all=True)
        keys = list(union.order_by("-pgh_created_at", "-pgh_kind", "-pgh_id")[: limit + 1])
    more = len(keys) > limit
    keys = keys[:limit]
    rows = _hydrate(keys)
    next_cursor = rows[-1].cursor if more and rows else None
    return rows, next_cursor


def _hydrate(keys: list[tuple]) -> list[Activity]:
    by_kind: dict[int, list[int]] = {}
    for _at, index, pgh_id in keys:
        by_kind.setdefault(index, []).append(pgh_id)
    events, previous = {}, {}
    for index, ids in by_kind.items():
        event_model = TRACKED[LABELS[index]].event_model
        before = event_model.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id"))
        found = list(
            event_model.objects.filter(pgh_id__in=ids).annotate(
                prev_id=Subquery(before.order_by("-pgh_id").values("pgh_id")[:1])
            )
        )
        prev_ids = [e.prev_id for e in found if e.prev_id is not None and e.pgh_label == "update"]
        prev = {e.pgh_id: e for e in event_model.objects.filter(pgh_id__in=prev_ids)} if prev_ids else {}
        for event in found:
            events[index, event.pgh_id] = event
            previous[index, event.pgh_id] = prev.get(event.prev_id)
    contexts = {
        c.pk: c.metadata
        for c in Context.objects.filter(pk__in={e.pgh_context_id for e in events.values() if e.pgh_context_id})
    }
    user_ids = {m.get("user") for m in contexts.values() if isinstance(m.get("user"), int)}
    users = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username")) if user_ids else {}
    activities = []
    for at, index, pgh_id in keys:
        event = events.get((index, pgh_id))
        if event is None:
            continue
        tracked = TRACKED[LABELS[index]]
        metadata = contexts.get(event.pgh_context_id, {})
        activities.append(
            Activity(
                at=at,
                action=ACTIONS.get(event.pgh_label, event.pgh_label),
                kind=LABELS[index],
                noun=tracked.noun,
                object_id=event.pgh_obj_id,
                title=_title(event),
                user=users.get(metadata.get("user")),
                via=metadata.get("task") or metadata.get("url") or "",
                changes=_changes(tracked, previous[index, pgh_id], event),
                cursor=encode_cursor(at, index, pgh_id),
            )
        )
    _name_related(activities)
    return activities


def _title(event) -> str:
    for name in ("title", "name", "text"):
        value = getattr(event, name, None)
        if value:
            return str(value)[:120]
    if hasattr(event, "value"):
        return str(event.value)
    return f"#{event.pgh_obj_id}"


def _tracked_fields(tracked: Tracked) -> list[models.Field]:
    names = {f.name for f in tracked.event_model._meta.fields}
    return [f for f in tracked.model._meta.local_fields if f.name in names and f.name not in HIDDEN_FIELDS]


def _display(model_field: models.Field, value):
    if value is not None and model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


def _changes(tracked: Tracked, before, after) -> list[Change]:
    if before is None:
        return []
    changes = []
    for model_field in _tracked_fields(tracked):
        old, new = getattr(before, model_field.attname), getattr(after, model_field.attname)
        if old != new:
            if model_field.is_relation:
                changes.append(
                    Change(model_field.verbose_name, (model_field.related_model, old), (model_field.related_model, new))
                )
            else:
                changes.append(
                    Change(str(model_field.verbose_name), _display(model_field, old), _display(model_field, new))
                )
    return changes


def _name_related(activities: list[Activity]) -> None:
    """Foreign keys that changed are shown by the names of what they point to: one query per related model."""
    wanted: dict[type, set] = {}
    for activity in activities:
        for change in activity.changes:
            for side in (change.before, change.after):
                if isinstance(side, tuple) and side[1] is not None:
                    wanted.setdefault(side[0], set()).add(side[1])
    names = {model: {o.pk: str(o) for o in model._default_manager.filter(pk__in=ids)} for model, ids in wanted.items()}
    for activity in activities:
        for change in activity.changes:
            change.field = str(change.field)
            for side in ("before", "after"):
                value = getattr(change, side)
                if isinstance(value, tuple):
                    model, pk = value
                    setattr(change, side, None if pk is None else names.get(model, {}).get(pk, f"#{pk} (deleted)"))

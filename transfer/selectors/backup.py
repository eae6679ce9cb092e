"""The lossless workspace export: JSON lines, streamed (docs/workspace-export.md describes them).

The first line is the header (format, version, the models in load order); then one line per user
the workspace refers to, one per history context its events point to, one per row of each model in
that order ({"model", "id", "fields"}, foreign keys as the other row's id in the same file), the
many-to-many links in chunks, and a last line with the counts, so a truncated file is told from a
whole one.
"""

import datetime
import json
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from pghistory.models import Context

from workspaces.models import Workspace

from ..backup import (
    CONTEXT,
    EVENT_OF,
    FORMAT,
    USER_FIELDS,
    VERSION,
    content_type_fields,
    exported_models,
    m2m_fields,
    rows_of,
)

CHUNK = 2000


class Encoder(DjangoJSONEncoder):
    """As Django's, but times keep their microseconds (Django's cuts them to milliseconds): lossless."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _line(record: dict) -> str:
    return json.dumps(record, cls=Encoder, ensure_ascii=False, separators=(",", ":")) + "\n"


def _contexts(workspace_id: int, models):
    """The history contexts (who made a change, through which page or task) of the workspace's events."""
    condition = Q(pk__in=[])
    for model in models:
        if model._meta.label_lower in EVENT_OF:
            condition |= Q(pk__in=rows_of(model, workspace_id).values("pgh_context_id"))
    return Context.objects.filter(condition)


def _user_ids(workspace_id: int, models) -> set[int]:
    user = get_user_model()
    ids = set(user.objects.filter(memberships__workspace_id=workspace_id).values_list("pk", flat=True))
    for metadata in _contexts(workspace_id, models).values_list("metadata", flat=True).iterator(chunk_size=CHUNK):
        if isinstance(metadata, dict) and isinstance(metadata.get("user"), int):
            ids.add(metadata["user"])
    for model in models:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user:
                ids |= set(
                    rows_of(model, workspace_id)
                    .exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                    .distinct()
                )
    return ids


def workspace_export_lines(*, workspace: Workspace) -> Iterator[str]:
    models = exported_models()
    counts: dict[str, int] = {}
    yield _line(
        {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": timezone.now(),
            "workspace": {"id": workspace.pk, "name": workspace.name},
            "models": ["auth.user", CONTEXT, *(m._meta.label_lower for m in models)],
        }
    )
    users = get_user_model().objects.filter(pk__in=_user_ids(workspace.pk, models)).order_by("pk")
    for row in users.values("pk", *USER_FIELDS).iterator(chunk_size=CHUNK):
        counts["auth.user"] = counts.get("auth.user", 0) + 1
        yield _line({"model": "auth.user", "id": row.pop("pk"), "fields": row})
    counts[CONTEXT] = 0
    contexts = _contexts(workspace.pk, models).order_by("created_at", "pk")
    for row in contexts.values("pk", "created_at", "updated_at", "metadata").iterator(chunk_size=CHUNK):
        counts[CONTEXT] += 1
        yield _line({"model": CONTEXT, "id": str(row.pop("pk")), "fields": row})
    type_names = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    for model in models:
        label = model._meta.label_lower
        names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        by_name = content_type_fields(model)
        counts[label] = 0
        for row in rows_of(model, workspace.pk).order_by("pk").values("pk", *names).iterator(chunk_size=CHUNK):
            counts[label] += 1
            for attname in by_name:
                row[attname] = type_names.get(row[attname])
            yield _line({"model": label, "id": row.pop("pk"), "fields": row})
    for model in models:
        for field in m2m_fields(model):
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            ids = rows_of(model, workspace.pk).values("pk")
            links = (
                through.objects.filter(Q(**{f"{source}__in": ids}))
                .order_by("pk")
                .values_list(f"{source}_id", f"{target}_id")
            )
            chunk = []
            name = f"{model._meta.label_lower}.{field.name}"
            for pair in links.iterator(chunk_size=CHUNK):
                chunk.append(list(pair))
                if len(chunk) >= CHUNK:
                    yield _line({"m2m": name, "links": chunk})
                    chunk = []
            if chunk:
                yield _line({"m2m": name, "links": chunk})
            counts[name] = links.count()
    yield _line({"end": True, "counts": counts})

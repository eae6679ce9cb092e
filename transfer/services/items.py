"""Importing items (Jira, Trello, generic tables) through the backlog's services.

New items go in through `items_bulk_create` in batches (every rule of `item_create`, set-based),
known ones (the source key was imported before into this product) through `item_update`, so a
second import of the same file updates instead of duplicating. Parents are linked once every item
exists (a parent may come after its child in the source), and the imported items are put in the
source's order (Jira's rank, Trello's list and card positions, the file's row order) in one
statement. The caller holds the transaction: all of it, or nothing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from backlog.models import (
    LABEL_NAME_MAX,
    LABELS_PER_ITEM_MAX,
    AcceptanceCriterion,
    BacklogItem,
    ItemStatus,
    Sprint,
    SprintStatus,
)
from backlog.services.bulk import items_bulk_create, items_parents_set, items_reorder, items_validate
from backlog.services.criteria import item_criteria_sync
from backlog.services.items import item_update
from backlog.services.labels import items_labels_add, label_names_clean
from backlog.services.links import external_link_save
from backlog.services.sprints import sprint_start
from core.exceptions import ApplicationError
from core.services import instance_create
from customfields.models import FieldTarget, FieldType
from customfields.selectors import field_definitions_for
from roadmap.models import Initiative, Release

from ..comments import comment_writer
from ..formats.records import SOURCE_SYSTEM, SourceItem, SprintRef
from ..models import ImportBatch, ImportedObject
from ..selectors.sources import source_items
from .description import description_of
from .report import Report

BATCH = 1000
POINTS_MAX = 32767
SPRINT_STATES = {"closed": SprintStatus.CLOSED, "active": SprintStatus.ACTIVE, "future": SprintStatus.PLANNED}


@dataclass
class Context:
    batch: ImportBatch
    actor: object
    report: Report
    source: str
    keys: dict[str, int]  # source key -> item id (known before, and created now)
    sprints: dict[str, Sprint | None] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)
    initiatives: dict[str, Initiative] = field(default_factory=dict)
    users: dict[int, object] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    source_ids: dict[str, str] = field(default_factory=dict)  # Jira "Issue id" -> key
    parents: list[tuple[str, str, str]] = field(default_factory=list)  # (key, parent key, row)
    order: list[tuple[object, int, str]] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (key, url, link key)
    pending: list[tuple[SourceItem, dict, list]] = field(default_factory=list)
    created_keys: list[tuple[str, int]] = field(default_factory=list)
    custom_definitions: dict = field(default_factory=dict)  # key -> the product's custom field definition
    custom_keys: list[str] = field(default_factory=list)  # the custom fields the table's columns feed
    to_start: list[Sprint] = field(default_factory=list)  # active in the source: started once filled

    @property
    def product(self):
        return self.batch.product


def _item_url(item_id: int, product_id: int) -> str:
    return reverse("backlog:item_detail", kwargs={"product_id": product_id, "pk": item_id})


def _sprint(ctx: Context, ref: SprintRef) -> Sprint | None:
    if ref.name in ctx.sprints:
        return ctx.sprints[ref.name]
    action = (ctx.batch.mapping.get("sprints") or {}).get(ref.name, "create")
    sprint = Sprint.objects.filter(product=ctx.product, name=ref.name[:120]).first()
    if sprint is None and action == "create":
        start = ref.start or ctx.batch.created_at.date()
        end = ref.end if ref.end and ref.end >= start else start
        if (end - start).days >= 92:
            end = start
        status = SPRINT_STATES.get(ref.state, SprintStatus.PLANNED)
        # An active source sprint is created planned and started once its items are in (as a person
        # would start it): they are its burndown's baseline, not scope added after the start.
        sprint = Sprint(
            product=ctx.product, name=ref.name[:120], start_date=start, end_date=end,
            status=SprintStatus.PLANNED if status == SprintStatus.ACTIVE else status,
        )  # fmt: skip
        sprint = instance_create(instance=sprint, actor=ctx.actor)
        if status == SprintStatus.ACTIVE:
            ctx.to_start.append(sprint)
        ctx.report.object(kind="sprint", object_id=sprint.pk, label=sprint.name, url="", action="created")
    elif action != "create":
        sprint = None
    ctx.sprints[ref.name] = sprint
    return sprint


def _named(ctx: Context, model, cache: dict, name: str, field_name: str):
    name = name.strip()
    if name not in cache:
        found = model.objects.filter(product=ctx.product, **{field_name: name}).order_by("pk").first()
        if found is None:
            found = instance_create(instance=model(product=ctx.product, **{field_name: name[:120]}), actor=ctx.actor)
            ctx.report.object(kind=model._meta.model_name, object_id=found.pk, label=name, url="", action="created")
        cache[name] = found
    return cache[name]


def _points(ctx: Context, src: SourceItem) -> int | None:
    if src.story_points is None:
        return None
    points = src.story_points.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if points != src.story_points:
        ctx.report.warn(src.row, f"Story points {src.story_points} rounded to {points}: PMHub counts whole points.")
    if not 0 <= points <= POINTS_MAX:
        ctx.report.warn(src.row, f"Story points {src.story_points} are out of range; left empty.")
        return None
    return int(points)


def _labels(ctx: Context, src: SourceItem) -> list[str]:
    """The source's labels as PMHub label names: commas and control characters become spaces (a comma
    separates labels in PMHub's exports), a long name is cut, labels past the per-item limit left out."""
    names = []
    for raw in src.labels:
        name = " ".join(re.sub(r"[\x00-\x1f,]", " ", str(raw)).split())
        if len(name) > LABEL_NAME_MAX:
            ctx.report.warn(src.row, f"The label “{name[:20]}…” is longer than {LABEL_NAME_MAX} characters; cut.")
            name = name[:LABEL_NAME_MAX].rstrip()
        if name:
            names.append(name)
    kept: dict[str, str] = {}
    for name in names:
        kept.setdefault(name.casefold(), name)  # a repeat counts once, as the first spelling
    names = list(kept.values())
    if len(names) > LABELS_PER_ITEM_MAX:
        ctx.report.warn(src.row, f"Only the first {LABELS_PER_ITEM_MAX} labels were kept.")
    return label_names_clean(names[:LABELS_PER_ITEM_MAX])


def _custom_value(ctx: Context, key: str, text: str):
    """A custom field's value from a table cell: a multi-select's choices separated by "; " (as exported)."""
    definition = ctx.custom_definitions.get(key)
    if definition is not None and definition.field_type == FieldType.MULTI_SELECT:
        return [choice.strip() for choice in text.split(";") if choice.strip()]
    return text or None


def _data(ctx: Context, src: SourceItem) -> dict | None:
    """The item's fields from a source record, through the mapping; None (with an error) if unusable."""
    mapping = ctx.batch.mapping
    if not src.title.strip():
        ctx.report.error(src.row, "The row has no title (Summary); add one or leave the row out.", "title")
        return None
    title = src.title.strip()
    if len(title) > 250:
        ctx.report.warn(src.row, "The title is longer than 250 characters; it was shortened.")
        title = title[:249] + "…"
    status = (mapping.get("status") or {}).get(src.status) or ItemStatus.NEW
    kind = (mapping.get("kind") or {}).get(src.type) or "story"
    owner_id = (mapping.get("people") or {}).get(src.assignee) if src.assignee else None
    data = {
        "title": title,
        "kind": kind,
        "status": status,
        "description": description_of(src, ctx.source, with_comments=comment_writer() is None),
        "story_points": _points(ctx, src),
        "owner": ctx.users.get(owner_id) if owner_id else None,
        "sprint": _sprint(ctx, src.sprints[-1]) if src.sprints else None,
        "labels": _labels(ctx, src),
    }
    if src.assignee and data["owner"] is None:
        ctx.report.warn(src.row, f"“{src.assignee}” is mapped to nobody; the item has no owner.")
    extra = dict(src.extra)
    if extra.pop("release", ""):
        data["release"] = _named(ctx, Release, ctx.releases, src.extra["release"], "name")
    if ctx.custom_keys:  # mapped custom columns are the item's values of those fields (empty: unset)
        data["custom_fields"] = {key: _custom_value(ctx, key, src.custom.get(key, "")) for key in ctx.custom_keys}
    if extra.pop("initiative", ""):
        data["initiative"] = _named(ctx, Initiative, ctx.initiatives, src.extra["initiative"], "title")
    for name in ("source_id", "subtask"):
        extra.pop(name, None)
    errors = {}
    for name, raw in extra.items():
        try:
            data[name] = BacklogItem._meta.get_field(name).to_python(raw)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        ctx.report.errors_from(src.row, errors)
        return None
    return data


def _flush(ctx: Context) -> None:
    """Create the pending new items (or, once any row failed, only validate them: nothing will be kept)."""
    if not ctx.pending:
        return
    fields = [{k: v for k, v in data.items() if k != "labels"} for _, data, _ in ctx.pending]
    instances = [BacklogItem(product=ctx.product, **values) for values in fields]
    criteria = {i: [(t[:2000], m) for t, m in crit] for i, (_, _, crit) in enumerate(ctx.pending) if crit}
    if ctx.report.error_count:
        errors = items_validate(product=ctx.product, instances=instances, actor=ctx.actor)
    else:
        try:
            created = items_bulk_create(product=ctx.product, instances=instances, actor=ctx.actor, criteria=criteria)
            errors = {}
        except ApplicationError as error:
            errors = error.extra.get("items", {})
            created = []
        labels = {item.pk: data["labels"] for (_, data, _), item in zip(ctx.pending, created, strict=False)}
        items_labels_add(product_id=ctx.product.pk, names_by_item={k: v for k, v in labels.items() if v})
        writer = comment_writer()
        if writer is not None:
            batch = [(item, src.comments) for (src, _, _), item in zip(ctx.pending, created, strict=False)]
            writer(batch=[(item, comments) for item, comments in batch if comments], actor=ctx.actor)
        for (src, _, _), item in zip(ctx.pending, created, strict=False):
            ctx.keys[src.key] = item.pk
            ctx.created_keys.append((src.key, item.pk))
            ctx.report.created += 1
            label = f"{ctx.product.key}-{item.number} {item.title}"
            url = partial(_item_url, item.pk, ctx.product.pk)
            ctx.report.object(kind="item", object_id=item.pk, label=label, url=url, action="created")
    for index, message_dict in errors.items():
        ctx.report.errors_from(ctx.pending[int(index)][0].row, message_dict)
    ctx.pending = []


def _update(ctx: Context, src: SourceItem, data: dict) -> None:
    item = BacklogItem.objects.select_related("product").get(pk=ctx.keys[src.key])
    before = item.version
    if "custom_fields" in data:  # the fields the table does not hold keep their values
        data = {**data, "custom_fields": {**item.custom_fields, **data["custom_fields"]}}
    try:
        item = item_update(item=item, data=data, actor=ctx.actor)
        existing = {c.text: c.pk for c in AcceptanceCriterion.objects.filter(item_id=item.pk)}
        wanted = [{"id": existing.get(t), "text": t, "met": m} for t, m in src.criteria]
        current = list(AcceptanceCriterion.objects.filter(item_id=item.pk).values_list("text", "met"))
        if [(t, m) for t, m in src.criteria] != current:
            item_criteria_sync(
                item=item, criteria=[{k: v for k, v in w.items() if v is not None} for w in wanted], actor=ctx.actor
            )
    except ValidationError as error:
        ctx.report.errors_from(src.row, error.message_dict if hasattr(error, "error_dict") else {"": error.messages})
        return
    item.refresh_from_db(fields=["version"])
    action = "updated" if item.version != before else "unchanged"
    setattr(ctx.report, action, getattr(ctx.report, action) + 1)
    label = f"{ctx.product.key}-{item.number} {item.title}"
    url = partial(_item_url, item.pk, ctx.product.pk)
    ctx.report.object(kind="item", object_id=item.pk, label=label, url=url, action=action)


def items_import(*, batch: ImportBatch, actor, report: Report, progress: Callable[[int], None]) -> None:
    product = batch.product
    source = SOURCE_SYSTEM[batch.format]
    known = dict(
        ImportedObject.objects.filter(product=product, source=source, kind="item").values_list(
            "source_key", "object_id"
        )
    )
    live = set(BacklogItem.objects.filter(product=product, pk__in=known.values()).values_list("pk", flat=True))
    ctx = Context(
        batch=batch, actor=actor, report=report, source=source, keys={k: v for k, v in known.items() if v in live}
    )
    ctx.custom_definitions = {d.key: d for d in field_definitions_for(product=product, target=FieldTarget.ITEM)}
    mapped = (batch.mapping.get("columns") or {}).values() if batch.format in ("csv", "xlsx") else ()
    ctx.custom_keys = [k[3:] for k in dict.fromkeys(mapped) if k.startswith("cf:") and k[3:] in ctx.custom_definitions]
    people = {int(v) for v in (batch.mapping.get("people") or {}).values() if str(v).isdigit()}
    ctx.users = {u.pk: u for u in get_user_model().objects.filter(pk__in=people)}
    total = max(1, int(batch.detected.get("count") or 1))
    for seq, src in enumerate(source_items(batch)):
        if seq % 500 == 0:
            progress(min(90, 5 + 85 * seq // total))
        for warning in src.warnings:
            report.warn(src.row, warning)
        if src.key in ctx.seen:
            report.error(src.row, f"The key {src.key} appears twice in the file; keep one of the rows.", "key")
            continue
        ctx.seen.add(src.key)
        if src.extra.get("source_id"):
            ctx.source_ids[src.extra["source_id"]] = src.key
        if src.parent:
            ctx.parents.append((src.key, src.parent, src.row))
        ctx.order.append((src.order, seq, src.key))
        ctx.links += [(src.key, url, key) for url, key in src.links]
        data = _data(ctx, src)
        if data is None:
            continue
        if src.key in ctx.keys:
            _update(ctx, src, data)
        else:
            ctx.pending.append((src, data, src.criteria))
            if len(ctx.pending) >= BATCH:
                _flush(ctx)
    _flush(ctx)
    progress(92)
    if report.error_count:
        return
    _link_parents(ctx)
    _reorder(ctx)
    _external_links(ctx)
    _start_sprints(ctx)
    ImportedObject.objects.bulk_create(
        [
            ImportedObject(product=product, source=source, kind="item", source_key=k, object_id=pk, batch=batch)
            for k, pk in ctx.created_keys
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["product", "source", "kind", "source_key"],
        update_fields=["object_id", "batch"],
    )
    progress(98)


def _link_parents(ctx: Context) -> None:
    parents: dict[int, int | None] = {}
    for key, parent, row in ctx.parents:
        if parent.startswith("id:"):
            parent = ctx.source_ids.get(parent[3:], parent)
        if key not in ctx.keys:
            continue
        if parent not in ctx.keys:
            ctx.report.warn(
                row, f"The parent {parent} is not in the file (nor imported before); the item stays at the top level."
            )
            continue
        parents[ctx.keys[key]] = ctx.keys[parent]
    try:
        items_parents_set(product=ctx.product, parents=parents, actor=ctx.actor)
    except ApplicationError as error:
        by_id = {v: k for k, v in ctx.keys.items()}
        for item_id, messages in error.extra.get("items", {}).items():
            ctx.report.errors_from(by_id.get(item_id, str(item_id)), messages)


def _reorder(ctx: Context) -> None:
    """The source's order: by its rank when every item has one (Jira's LexoRank sorts as text), else file order."""
    ranked = all(order is not None for order, _, _ in ctx.order)
    ordered = sorted(ctx.order, key=lambda t: (t[0], t[1]) if ranked else t[1])
    items_reorder(product=ctx.product, ordered_ids=[ctx.keys[k] for _, _, k in ordered if k in ctx.keys])


def _start_sprints(ctx: Context) -> None:
    for sprint in ctx.to_start:
        try:
            sprint_start(sprint=sprint, actor=ctx.actor)
        except ApplicationError as error:
            ctx.report.warn(sprint.name, f"The sprint “{sprint.name}” stays planned: {error}")


def _external_links(ctx: Context) -> None:
    items = BacklogItem.objects.select_related("product").in_bulk(
        [ctx.keys[k] for k, _, _ in ctx.links if k in ctx.keys]
    )
    for key, url, link_key in ctx.links:
        item = items.get(ctx.keys.get(key))
        if item is None:
            continue
        try:
            external_link_save(item=item, url=url[:500], key=link_key[:120], actor=ctx.actor)
        except ValidationError as error:
            ctx.report.warn(key, f"The link {url} was left out: {'; '.join(error.messages)}")

"""The backlog and the roadmap as rows, with every field, for CSV and XLSX exports.

The backlog's columns carry the names the generic import maps by default, so an exported file
imports into another product unchanged (keys and parents by item key, sprints, releases and
initiatives by name, owners by user name, criteria one a line as "[x] met" / "[ ] open", external
links one a line as "KEY URL", labels by name separated by commas). Computed columns (scores, rank)
follow; the import ignores them. Then one column per custom field of the product's items, headed
"Custom: <name>", which the import maps back to that field. Rows are read in chunks, so a large
backlog streams.
"""

from collections.abc import Iterator

from django.db.models import Prefetch

from backlog.label_models import label_names_sorted
from backlog.models import AcceptanceCriterion, BacklogItem, ExternalLink
from customfields.models import FieldTarget
from customfields.selectors import export_value, field_definitions_for
from roadmap.models import Initiative

from ..formats.tabular import CUSTOM_COLUMN

ITEM_COLUMNS = [
    "key", "title", "kind", "status", "parent", "description", "story_points", "sprint", "release",
    "initiative", "owner", "reach", "impact", "confidence", "effort", "moscow", "business_value",
    "time_criticality", "risk_reduction", "job_size", "as_a", "i_want", "so_that", "acceptance_criteria",
    "external_links", "labels", "rice_score", "wsjf_score", "rank",
]  # fmt: skip
INITIATIVE_COLUMNS = [
    "key", "title", "description", "theme", "horizon", "status", "start_date", "end_date", "release",
    "key_results", "kpis", "depends_on", "items", "rank",
]  # fmt: skip
CHUNK = 2000


def _text(value) -> str:
    return "" if value is None else str(value)


def _custom_definitions(product) -> list:
    return list(field_definitions_for(product=product, target=FieldTarget.ITEM))


def backlog_header(*, product) -> list[str]:
    """ITEM_COLUMNS, then one column per custom field of the product's items ("Custom: <name>")."""
    return [*ITEM_COLUMNS, *(CUSTOM_COLUMN.format(d.name) for d in _custom_definitions(product))]


def backlog_rows(*, product) -> Iterator[list]:
    """One row per item of the product, in backlog order (the columns of `backlog_header`)."""
    keys = [d.key for d in _custom_definitions(product)]
    items = (
        BacklogItem.objects.filter(product=product)
        .select_related("product", "parent", "sprint", "release", "initiative", "owner")
        .prefetch_related(
            Prefetch("acceptance_criteria", queryset=AcceptanceCriterion.objects.order_by("order", "id")),
            Prefetch("external_links", queryset=ExternalLink.objects.order_by("created_at", "id")),
            "labels",
        )
        .order_by("rank", "id")
    )
    key = product.key
    for position, item in enumerate(items.iterator(chunk_size=CHUNK), 1):
        yield [
            f"{key}-{item.number}",
            item.title,
            item.kind,
            item.status,
            f"{key}-{item.parent.number}" if item.parent_id else "",
            item.description,
            _text(item.story_points),
            item.sprint.name if item.sprint_id else "",
            item.release.name if item.release_id else "",
            item.initiative.title if item.initiative_id else "",
            item.owner.username if item.owner_id else "",
            _text(item.reach),
            _text(item.impact),
            _text(item.confidence),
            _text(item.effort),
            item.moscow,
            _text(item.business_value),
            _text(item.time_criticality),
            _text(item.risk_reduction),
            _text(item.job_size),
            item.as_a,
            item.i_want,
            item.so_that,
            "\n".join(f"[{'x' if c.met else ' '}] {c.text}" for c in item.acceptance_criteria.all()),
            "\n".join(f"{link.key} {link.url}".strip() for link in item.external_links.all()),
            ", ".join(label_names_sorted(label.name for label in item.labels.all())),
            _text(item.rice_score),
            _text(item.wsjf_score),
            position,
            *(export_value(item.custom_fields.get(key)) for key in keys),
        ]


def roadmap_rows(*, product) -> Iterator[list]:
    """One row per initiative of the product, by horizon and rank."""
    initiatives = (
        Initiative.objects.filter(product=product)
        .select_related("theme", "release")
        .prefetch_related("key_results", "kpis", "depends_on", "items")
        .order_by("horizon", "rank", "id")
    )
    key = product.key
    for initiative in initiatives.iterator(chunk_size=CHUNK):
        yield [
            f"initiative-{initiative.pk}",
            initiative.title,
            initiative.description,
            initiative.theme.name if initiative.theme_id else "",
            initiative.horizon,
            initiative.status,
            _text(initiative.start_date),
            _text(initiative.end_date),
            initiative.release.name if initiative.release_id else "",
            "\n".join(kr.title for kr in initiative.key_results.all()),
            "\n".join(kpi.name for kpi in initiative.kpis.all()),
            "\n".join(dep.title for dep in initiative.depends_on.all()),
            "\n".join(f"{key}-{item.number}" for item in initiative.items.all()),
            initiative.rank,
        ]


EXPORTS = {
    "backlog": ("Backlog", backlog_header, backlog_rows),
    "roadmap": ("Roadmap", INITIATIVE_COLUMNS, roadmap_rows),
}

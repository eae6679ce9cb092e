"""The value-vs-effort matrix: quadrants by thresholds (default: the medians)."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Value

from backlog.models import BacklogItem
from core.figures import cached_figure

from .. import scoring
from .settings import settings_for

VALUE_EXPR = ExpressionWrapper(
    F("reach") * F("impact") * F("confidence") / Value(Decimal(100)),
    output_field=DecimalField(max_digits=24, decimal_places=6),
)


def _median(qs, field: str) -> Decimal | None:
    """The median of a column in two small queries (ordered offsets), on any database."""
    count = qs.count()
    if not count:
        return None
    ordered = qs.order_by(field).values_list(field, flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return scoring.round_score(sum(middle, Decimal(0)) / len(middle))


@dataclass
class MatrixPoint:
    id: int
    key: str
    title: str
    value: Decimal
    effort: Decimal
    quadrant: str


@dataclass
class Matrix:
    value_threshold: Decimal | None
    effort_threshold: Decimal | None
    thresholds_are_medians: tuple[bool, bool]
    counts: dict[str, int]
    points: list[MatrixPoint]
    total: int
    unplaced: int


def matrix(*, product, limit: int = 400) -> Matrix:
    """Every item with a value and an effort in its quadrant; the points of the `limit` best by RICE.

    Medians and quadrant counts read every item: computed once per version of the workspace's
    figures (core.figures, bumped by every write), not on every request."""
    settings = settings_for(product=product)
    parts = (product.pk, limit, settings.value_threshold, settings.effort_threshold)
    return cached_figure(
        workspace_id=product.workspace_id,
        name="prioritization.matrix",
        parts=parts,
        compute=lambda: _matrix(product=product, settings=settings, limit=limit),
    )


def _matrix(*, product, settings, limit: int) -> Matrix:
    items = BacklogItem.objects.filter(product=product)
    placed = items.filter(reach__isnull=False, impact__isnull=False, confidence__isnull=False, effort__gt=0).annotate(
        value=VALUE_EXPR
    )
    value_t = settings.value_threshold if settings.value_threshold is not None else _median(placed, "value")
    effort_t = settings.effort_threshold if settings.effort_threshold is not None else _median(placed, "effort")
    counts = {q: 0 for q in scoring.QUADRANT_LABELS}
    total = items.count()
    if value_t is None or effort_t is None:
        return Matrix(value_t, effort_t, (True, True), counts, [], total, total)
    high_v, high_e = Q(value__gte=value_t), Q(effort__gte=effort_t)
    figures = placed.aggregate(
        quick_win=Count("id", filter=high_v & ~high_e),
        big_bet=Count("id", filter=high_v & high_e),
        fill_in=Count("id", filter=~high_v & ~high_e),
        time_sink=Count("id", filter=~high_v & high_e),
    )
    counts.update(figures)
    points = [
        MatrixPoint(
            row["id"],
            f"{product.key}-{row['number']}",
            row["title"],
            scoring.round_score(row["value"]),
            row["effort"],
            scoring.quadrant(
                value=row["value"], effort=row["effort"], value_threshold=value_t, effort_threshold=effort_t
            ),
        )
        for row in placed.order_by(F("rice_score").desc(nulls_last=True), "rank").values(
            "id", "number", "title", "value", "effort"
        )[:limit]
    ]
    return Matrix(
        value_t,
        effort_t,
        (settings.value_threshold is None, settings.effort_threshold is None),
        counts,
        points,
        total,
        total - sum(counts.values()),
    )


def matrix_svg_points(m: Matrix, width: int = 640, height: int = 420, pad: int = 40) -> dict:
    """Screen coordinates on log scales (values span orders of magnitude), for the server-rendered SVG."""

    def scale(v: Decimal, top: Decimal) -> float:
        return math.log10(float(v) + 1) / math.log10(float(top) + 1) if top > 0 else 0.0

    max_v = max([p.value for p in m.points] + [m.value_threshold or Decimal(1)] + [Decimal(1)])
    max_e = max([p.effort for p in m.points] + [m.effort_threshold or Decimal(1)] + [Decimal(1)])
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def xy(value: Decimal, effort: Decimal) -> tuple[float, float]:
        return (round(pad + scale(effort, max_e) * inner_w, 1), round(height - pad - scale(value, max_v) * inner_h, 1))

    tx, ty = xy(m.value_threshold or Decimal(0), m.effort_threshold or Decimal(0))
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "right": width - pad,
        "bottom": height - pad,
        "threshold_x": tx,
        "threshold_y": ty,
        "points": [(p, *xy(p.value, p.effort)) for p in m.points],
    }

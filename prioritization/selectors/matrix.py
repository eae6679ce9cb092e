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

    @property
    def quadrant_label(self) -> str:
        return scoring.QUADRANT_LABELS[self.quadrant]


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


CHART_DOTS = 150  # dots drawn on the chart (the best by RICE); the counts cover every item
LABEL_FONT = 12  # the keys' font size in SVG units (static/css/prioritization.css says the same)
CHAR_WIDTH = 7.2  # a generous width of one character of a key at LABEL_FONT
# Where a key may sit around its dot, tried in this order: (dx, dy, text-anchor).
LABEL_SPOTS = ((8, 4, "start"), (-8, 4, "end"), (0, -9, "middle"), (0, 17, "middle"))


@dataclass
class ChartDot:
    point: MatrixPoint
    x: float
    y: float
    label_x: float | None = None  # None: no room for the key next to the dot (the title and table have it)
    label_y: float | None = None
    anchor: str = "start"


def _label_box(x: float, y: float, anchor: str, text: str) -> tuple[float, float, float, float]:
    width = CHAR_WIDTH * len(text)
    left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
    return (left, y - LABEL_FONT + 2, left + width, y + 3)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(dots: list[ChartDot], *, bounds: tuple[float, float, float, float]) -> list[ChartDot]:
    """Give each dot's key a spot next to it that no earlier key covers (best items first); a key
    with no free spot is left out rather than drawn over another one."""
    taken: list[tuple[float, float, float, float]] = []
    for dot in dots:
        for dx, dy, anchor in LABEL_SPOTS:
            x, y = round(dot.x + dx, 1), round(dot.y + dy, 1)
            box = _label_box(x, y, anchor, dot.point.key)
            inside = bounds[0] <= box[0] and box[2] <= bounds[2] and bounds[1] <= box[1] and box[3] <= bounds[3]
            if inside and not any(_overlaps(box, other) for other in taken):
                dot.label_x, dot.label_y, dot.anchor = x, y, anchor
                taken.append(box)
                break
    return dots


def _ticks(top: Decimal, scale, length: float, min_gap: float = 36) -> list[tuple[Decimal, float]]:
    """Ticks at 1, 2, 5 × powers of ten up to `top`, at least `min_gap` units apart."""
    ticks: list[tuple[Decimal, float]] = [(Decimal(0), 0.0)]
    exponent = -2
    while Decimal(10) ** exponent <= top:
        for step in (1, 2, 5):
            value = Decimal(step) * Decimal(10) ** exponent
            at = scale(value, top) * length
            if value <= top and at - ticks[-1][1] >= min_gap:
                ticks.append((value.normalize(), at))
        exponent += 1
    return ticks


def matrix_svg_points(m: Matrix, width: int = 960, height: int = 600, pad: int = 40, dots: int = CHART_DOTS) -> dict:
    """Screen coordinates on log scales (values span orders of magnitude), for the server-rendered SVG:
    the best `dots` points with their keys placed where they do not collide, the axes' ticks, the
    threshold lines, and how many placed items are not drawn."""

    def scale(v: Decimal, top: Decimal) -> float:
        return math.log10(float(v) + 1) / math.log10(float(top) + 1) if top > 0 else 0.0

    shown = m.points[:dots]
    left, right, top, bottom = pad + 40, width - pad, pad, height - pad - 20
    max_v = max([p.value for p in shown] + [m.value_threshold or Decimal(1)] + [Decimal(1)])
    max_e = max([p.effort for p in shown] + [m.effort_threshold or Decimal(1)] + [Decimal(1)])
    inner_w, inner_h = right - left, bottom - top

    def xy(value: Decimal, effort: Decimal) -> tuple[float, float]:
        return (round(left + scale(effort, max_e) * inner_w, 1), round(bottom - scale(value, max_v) * inner_h, 1))

    tx, ty = xy(m.value_threshold or Decimal(0), m.effort_threshold or Decimal(0))
    chart_dots = place_labels(
        [ChartDot(p, *xy(p.value, p.effort)) for p in shown], bounds=(left, top, right + pad - 4, bottom)
    )
    placed = sum(m.counts.values())
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "left": left,
        "top": top,
        "right": right,
        "bottom": bottom,
        "threshold_x": tx,
        "threshold_y": ty,
        "dots": chart_dots,
        "points": [(d.point, d.x, d.y) for d in chart_dots],
        "unlabelled": sum(1 for d in chart_dots if d.label_x is None),
        "placed": placed,
        "hidden": max(0, placed - len(chart_dots)),
        "x_ticks": [(v, round(left + at, 1)) for v, at in _ticks(max_e, scale, inner_w)],
        "y_ticks": [(v, round(bottom - at, 1)) for v, at in _ticks(max_v, scale, inner_h, min_gap=28)],
        "x_label_x": round((left + right) / 2, 1),
        "x_label_y": height - 12,
        "y_label_y": round((top + bottom) / 2, 1),
    }

"""Reads of prioritisation: ranked lists with explanations, the matrix, snapshots, MoSCoW and scenarios."""

import math
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber

from backlog.models import BacklogItem, ItemKind, ItemStatus
from jobs.models import Job
from pmhub.filters import ScopedFilterSet
from roadmap.models import Theme

from . import scoring
from .models import CriterionValue, Framework, Scenario, ScorecardCriterion, Snapshot
from .services import JOB_KIND, SCENARIO_INPUTS, SCORE_FIELDS, criteria_for, settings_for

RANKING_FIELDS = (
    "id",
    "product_id",
    "number",
    "title",
    "kind",
    "status",
    "rank",
    "moscow",
    "story_points",
    "initiative_id",
    "release_id",
    "sprint_id",
    "reach",
    "impact",
    "confidence",
    "effort",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "rice_score",
    "wsjf_score",
)


class RankingFilter(ScopedFilterSet):
    theme = django_filters.ModelChoiceFilter(field_name="initiative__theme", queryset=Theme.objects.all())
    kind = django_filters.ChoiceFilter(choices=ItemKind.choices)
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices)

    class Meta:
        model = BacklogItem
        fields = ["theme", "initiative", "release", "kind", "status"]


def framework_or_default(*, product, framework: str | None) -> str:
    return framework if framework in Framework.values else settings_for(product=product).default_framework


def items_for_ranking(*, product) -> QuerySet[BacklogItem]:
    """The product's items with what the ranked views show (no query per row)."""
    return (
        BacklogItem.objects.filter(product=product)
        .select_related("product", "initiative", "release")
        .only(*RANKING_FIELDS, "product__key", "initiative__title", "release__name")
        .prefetch_related(
            Prefetch("criterion_values", queryset=CriterionValue.objects.only("item_id", "criterion_id", "value"))
        )
    )


def ranked(*, items: QuerySet[BacklogItem], framework: str) -> QuerySet[BacklogItem]:
    """Scored items, best first, with their position by score and in the PO's manual order.

    Positions count within `items` (so within the filters applied to it); `gap` is how far the
    manual order puts an item below (positive) or above (negative) where its score puts it.
    """
    score = SCORE_FIELDS[framework]
    return (
        items.filter(**{f"{score}__isnull": False})
        .annotate(
            score=F(score),
            score_position=Window(RowNumber(), order_by=[F(score).desc(), F("rank").asc(), F("id").asc()]),
            manual_position=Window(RowNumber(), order_by=[F("rank").asc(), F("id").asc()]),
        )
        .order_by(F(score).desc(), "rank", "id")
    )


def unscored(*, items: QuerySet[BacklogItem], framework: str) -> QuerySet[BacklogItem]:
    return items.filter(**{f"{SCORE_FIELDS[framework]}__isnull": True}).order_by("rank", "id")


def explain(*, item: BacklogItem, framework: str, criteria: list[scoring.Criterion]) -> scoring.Score:
    """The score of an item under a framework with its factors, from its current inputs."""
    if framework == Framework.RICE:
        return scoring.rice(reach=item.reach, impact=item.impact, confidence=item.confidence, effort=item.effort)
    if framework == Framework.WSJF:
        return scoring.wsjf(
            business_value=item.business_value,
            time_criticality=item.time_criticality,
            risk_reduction=item.risk_reduction,
            job_size=item.job_size,
        )
    values = {v.criterion_id: v.value for v in item.criterion_values.all()}
    return scoring.scorecard(criteria=criteria, values=values, effort=item.effort)


@dataclass
class RankedRow:
    item: BacklogItem
    score: Decimal | None
    explanation: scoring.Score
    score_position: int | None = None
    manual_position: int | None = None
    previous_position: int | None = None

    @property
    def gap(self) -> int | None:
        if self.score_position is None or self.manual_position is None:
            return None
        return self.manual_position - self.score_position

    @property
    def moved(self) -> int | None:
        """Places gained (positive) or lost since the last snapshot."""
        if self.previous_position is None or self.score_position is None:
            return None
        return self.previous_position - self.score_position


def criteria_for_framework(*, product, framework: str) -> list[scoring.Criterion]:
    return criteria_for(product_id=product.pk) if framework == Framework.CUSTOM else []


def rows_for(
    *, items, framework: str, criteria: list[scoring.Criterion], snapshot_positions: dict[int, int] | None = None
) -> list[RankedRow]:
    rows = []
    for item in items:
        explanation = explain(item=item, framework=framework, criteria=criteria)
        rows.append(
            RankedRow(
                item=item,
                score=getattr(item, "score", None),
                explanation=explanation,
                score_position=getattr(item, "score_position", None),
                manual_position=getattr(item, "manual_position", None),
                previous_position=(snapshot_positions or {}).get(item.pk),
            )
        )
    return rows


def snapshot_latest(*, product, framework: str) -> Snapshot | None:
    return Snapshot.objects.filter(product=product, framework=framework).defer("ranking").first()


def snapshot_positions(*, snapshot: Snapshot | None) -> dict[int, int]:
    if snapshot is None:
        return {}
    ranking = Snapshot.objects.filter(pk=snapshot.pk).values_list("ranking", flat=True).get()
    return {item_id: position for position, (item_id, _score) in enumerate(ranking, start=1)}


def job_latest(*, product) -> Job | None:
    return Job.objects.filter(product=product, kind=JOB_KIND).select_related("started_by").first()


def criteria_list(*, product) -> QuerySet[ScorecardCriterion]:
    return ScorecardCriterion.objects.filter(product=product)


def scenario_list(*, product) -> QuerySet[Scenario]:
    return Scenario.objects.filter(product=product).select_related("created_by")


# ---- value vs effort ----------------------------------------------------------------------------

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
    """Every item with a value and an effort in its quadrant; the points of the `limit` best by RICE."""
    settings = settings_for(product=product)
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


# ---- MoSCoW -------------------------------------------------------------------------------------

OPEN_STATUSES = (ItemStatus.NEW, ItemStatus.READY, ItemStatus.IN_PROGRESS)


@dataclass
class MoscowRow:
    item: BacklogItem
    score: Decimal | None
    proposed: str | None
    missing: tuple[str, ...]


@dataclass
class MoscowView:
    framework: str
    capacity: Decimal | None
    must_share_limit: Decimal
    rows: list[MoscowRow]
    current: scoring.MoscowCheck | None
    proposed: scoring.MoscowCheck | None


def moscow(*, product, framework: str, capacity: Decimal | None, release=None, sprint=None) -> MoscowView:
    """The candidates (open items of a release or sprint, or of the whole backlog), their MoSCoW now,
    the check of the capacity rule, and a proposed split by score that fits the capacity."""
    settings = settings_for(product=product)
    capacity = capacity if capacity is not None else settings.capacity
    items = items_for_ranking(product=product).filter(status__in=OPEN_STATUSES)
    if release is not None:
        items = items.filter(release=release)
    if sprint is not None:
        items = items.filter(sprint=sprint)
    items = items.annotate(score=F(SCORE_FIELDS[framework])).order_by(F("score").desc(nulls_last=True), "rank")
    criteria = criteria_for(product_id=product.pk) if framework == Framework.CUSTOM else []
    rows, candidates = [], []
    for item in items:
        missing = explain(item=item, framework=framework, criteria=criteria).missing
        if item.effort is None and "effort" not in missing:
            missing += ("effort",)
        if item.score is not None and item.effort is not None:
            candidates.append(scoring.Candidate(item.pk, item.effort, item.score))
        rows.append(MoscowRow(item, item.score, None, missing))
    if capacity is None:
        return MoscowView(framework, None, settings.must_share_limit, rows, None, None)
    proposal = scoring.moscow_propose(
        candidates=candidates, capacity=capacity, must_share_limit=settings.must_share_limit
    )
    for row in rows:
        row.proposed = proposal.get(row.item.pk)
    current = scoring.moscow_check(
        items=[(r.item.moscow, r.item.effort) for r in rows],
        capacity=capacity,
        must_share_limit=settings.must_share_limit,
    )
    proposed = scoring.moscow_check(
        items=[(r.proposed, r.item.effort) for r in rows if r.proposed],
        capacity=capacity,
        must_share_limit=settings.must_share_limit,
    )
    return MoscowView(framework, capacity, settings.must_share_limit, rows, current, proposed)


# ---- scenarios ----------------------------------------------------------------------------------


@dataclass
class Move:
    item_id: int
    key: str
    title: str
    live_score: Decimal | None
    scenario_score: Decimal | None
    live_position: int | None
    scenario_position: int | None

    @property
    def delta(self) -> int | None:
        """Places gained (positive) or lost in the scenario."""
        if self.live_position is None or self.scenario_position is None:
            return None
        return self.live_position - self.scenario_position


def _positions(scores: dict[int, Decimal | None], ranks: dict[int, int]) -> dict[int, int]:
    ordered = sorted((pk for pk, s in scores.items() if s is not None), key=lambda pk: (-scores[pk], ranks[pk], pk))
    return {pk: i for i, pk in enumerate(ordered, start=1)}


def scenario_moves(*, scenario: Scenario) -> list[Move]:
    """Every item whose score or position differs between live data and the scenario, biggest move first."""
    product = scenario.product
    framework = scenario.framework
    fields = ["id", "number", "title", "rank", "effort", *SCENARIO_INPUTS]
    rows = {r["id"]: r for r in BacklogItem.objects.filter(product=product).values(*dict.fromkeys(fields))}
    live_criteria = criteria_for(product_id=product.pk)
    values: dict[int, dict[int, Decimal]] = {}
    if framework == Framework.CUSTOM:
        for item_id, criterion_id, value in CriterionValue.objects.filter(item__product=product).values_list(
            "item_id", "criterion_id", "value"
        ):
            values.setdefault(item_id, {})[criterion_id] = value
    what_if_criteria = [
        scoring.Criterion(c.id, c.name, Decimal(scenario.weights.get(str(c.id), c.weight))) for c in live_criteria
    ]

    def score(row: dict, criteria) -> Decimal | None:
        if framework == Framework.RICE:
            return scoring.rice(**{k: row[k] for k in ("reach", "impact", "confidence", "effort")}).value
        if framework == Framework.WSJF:
            return scoring.wsjf(
                **{k: row[k] for k in ("business_value", "time_criticality", "risk_reduction", "job_size")}
            ).value
        return scoring.scorecard(criteria=criteria, values=values.get(row["id"], {}), effort=row["effort"]).value

    live = {pk: score(row, live_criteria) for pk, row in rows.items()}
    what_if = {}
    for pk, row in rows.items():
        changes = scenario.item_inputs.get(str(pk))
        if changes:
            row = {**row}
            for name, value in changes.items():
                row[name] = None if value is None else BacklogItem._meta.get_field(name).to_python(value)
        what_if[pk] = score(row, what_if_criteria)
    ranks = {pk: row["rank"] for pk, row in rows.items()}
    live_pos, what_if_pos = _positions(live, ranks), _positions(what_if, ranks)
    moves = [
        Move(
            pk,
            f"{product.key}-{rows[pk]['number']}",
            rows[pk]["title"],
            live[pk],
            what_if[pk],
            live_pos.get(pk),
            what_if_pos.get(pk),
        )
        for pk in rows
        if live[pk] != what_if[pk] or live_pos.get(pk) != what_if_pos.get(pk)
    ]
    moves.sort(key=lambda m: (-abs(m.delta or 0), m.scenario_position or 10**9, m.item_id))
    return moves

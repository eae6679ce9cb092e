"""Rollup of key results and objectives: progress, expected progress, confidence and health.

The maths lives in small pure functions (tested on their own); the rollup applies them to a
workspace in a constant number of set-based statements, whatever the number of rows:

1. key results: current value, latest confidence and note from their measurements (one UPDATE
   with correlated subqueries that use the (key_result, -measured_at) and (kpi, -measured_at) indexes);
2. key results: progress (one UPDATE), then health (one UPDATE per distinct period);
3. objectives: the weighted mean of their key results and supporting objectives, computed bottom-up
   in Python from one aggregate query and written back with `bulk_update` for the rows that changed.

Every figure is recomputed from source rows, so running a rollup twice gives the same result.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Avg, Case, DecimalField, F, FloatField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.utils import timezone

from .models import (
    Health,
    HealthPolicy,
    KeyResult,
    KeyResultDirection,
    KeyResultSnapshot,
    Measurement,
    Objective,
    ObjectiveSnapshot,
)

ZERO, ONE = Decimal(0), Decimal(1)
PROGRESS_PLACES = Decimal("0.000001")


# ---- maths ------------------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[date, date]:
    """First day of the period and the first day after it: 2027-Q1 → (2027-01-01, 2027-04-01)."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year + 1, 1, 1)
    kind, number = period[5], int(period[6])
    months = 3 if kind == "Q" else 6
    first_month = (number - 1) * months + 1
    start = date(year, first_month, 1)
    end_month = first_month + months
    end = date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)
    return start, end


def period_of(day: date) -> str:
    """The quarter a day falls in: 2027-02-10 → 2027-Q1."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def expected_progress(period: str, today: date) -> Decimal:
    """The share of the period elapsed at the end of `today`: 0 before it starts, 1 once it is over."""
    start, end = period_bounds(period)
    elapsed = (today + timedelta(days=1) - start).days
    share = Decimal(elapsed) / Decimal((end - start).days)
    return _clamp(share).quantize(PROGRESS_PLACES)


def key_result_progress(
    *, start: Decimal, target: Decimal, current: Decimal | None, direction: str = KeyResultDirection.INCREASE
) -> Decimal:
    """(current − start) ÷ (target − start), clamped to 0–1.

    The ratio respects the direction by itself: for a decrease the target is below the start, so
    both differences are negative while the value moves the right way. A key result without a
    value yet (no check-in, no KPI measurement) has made no progress. A range key result (start is
    the lower bound, target the upper) is met, 1, while its value is within the bounds, else 0.
    """
    if current is None or target == start:
        return ZERO
    if direction == KeyResultDirection.RANGE:
        return ONE if start <= current <= target else ZERO
    return _clamp((Decimal(current) - Decimal(start)) / (Decimal(target) - Decimal(start))).quantize(PROGRESS_PLACES)


def weighted_mean(parts: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ weight × progress ÷ Σ weight over (progress, weight) pairs; None when there is nothing to average."""
    total = weights = ZERO
    for progress, weight in parts:
        total += Decimal(progress) * Decimal(weight)
        weights += Decimal(weight)
    return None if not weights else (total / weights).quantize(PROGRESS_PLACES)


@dataclass(frozen=True)
class Thresholds:
    at_risk_gap: Decimal = Decimal("0.100")
    off_track_gap: Decimal = Decimal("0.250")
    at_risk_confidence: int = 70
    off_track_confidence: int = 40

    @classmethod
    def for_workspace(cls, workspace_id: int) -> "Thresholds":
        policy = HealthPolicy.objects.filter(workspace_id=workspace_id).first()
        if policy is None:
            return cls()
        return cls(policy.at_risk_gap, policy.off_track_gap, policy.at_risk_confidence, policy.off_track_confidence)


def health_of(*, progress: Decimal | None, expected: Decimal, confidence: int | None, thresholds: Thresholds) -> str:
    """Off track or at risk when progress trails the expected share by more than a gap, or when the
    latest confidence is below a threshold; the worse of the two wins. Blank when nothing is measured."""
    if progress is None:
        return ""
    gap = expected - progress
    if gap > thresholds.off_track_gap or (confidence is not None and confidence < thresholds.off_track_confidence):
        return Health.OFF_TRACK
    if gap > thresholds.at_risk_gap or (confidence is not None and confidence < thresholds.at_risk_confidence):
        return Health.AT_RISK
    return Health.ON_TRACK


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


# ---- set-based rollup -----------------------------------------------------------------------------


def _key_result_values(queryset) -> int:
    """Current value, latest confidence, note and time from measurements, for every key result at once."""
    latest_check_in = Measurement.objects.filter(key_result=OuterRef("pk")).order_by("-measured_at", "-id")
    latest_kpi_value = Measurement.objects.filter(kpi=OuterRef("kpi_id")).order_by("-measured_at", "-id")
    value_field = DecimalField(max_digits=16, decimal_places=4)
    return queryset.update(
        current_value=Coalesce(
            Subquery(latest_kpi_value.values("value")[:1], output_field=value_field),
            Subquery(latest_check_in.values("value")[:1], output_field=value_field),
            F("current_value"),
        ),
        confidence=Subquery(latest_check_in.values("confidence")[:1]),
        last_check_in_at=Subquery(latest_check_in.values("measured_at")[:1]),
        last_check_in_note=Coalesce(Subquery(latest_check_in.values("note")[:1]), Value("")),
    )


def _key_result_progress(queryset, *, now) -> int:
    gained = F("current_value") - F("start_value")
    if connection.vendor == "sqlite":
        # SQLite keeps whole decimals as integers and would divide them as integers (15 / 30 = 0).
        gained = Cast(gained, FloatField())
    ratio = gained / (F("target_value") - F("start_value"))
    progress_field = DecimalField(max_digits=7, decimal_places=6)
    return queryset.update(
        rollup_progress=Case(
            When(Q(current_value__isnull=True) | Q(target_value=F("start_value")), then=Value(ZERO)),
            When(
                Q(direction=KeyResultDirection.RANGE)
                & Q(current_value__gte=F("start_value"), current_value__lte=F("target_value")),
                then=Value(ONE),
            ),
            When(direction=KeyResultDirection.RANGE, then=Value(ZERO)),
            default=Greatest(Value(ZERO), Least(Value(ONE), ratio)),
            output_field=progress_field,
        ),
        rolled_up_at=Value(now),
    )


def _key_result_health(queryset, *, periods: dict[str, Decimal], thresholds: Thresholds) -> None:
    """Same rule as `health_of`, written as one UPDATE per period (its expected progress is a constant)."""
    for period, expected in periods.items():
        queryset.filter(objective__period=period).update(
            health=Case(
                When(
                    Q(rollup_progress__lt=expected - thresholds.off_track_gap)
                    | Q(confidence__lt=thresholds.off_track_confidence),
                    then=Value(Health.OFF_TRACK),
                ),
                When(
                    Q(rollup_progress__lt=expected - thresholds.at_risk_gap)
                    | Q(confidence__lt=thresholds.at_risk_confidence),
                    then=Value(Health.AT_RISK),
                ),
                default=Value(Health.ON_TRACK),
            )
        )


def _objective_figures(*, workspace_id: int, today: date, thresholds: Thresholds, now) -> int:
    """Objectives bottom-up from one aggregate query; writes only the objectives whose figures changed."""
    objectives = list(
        Objective.objects.filter(workspace_id=workspace_id).only(
            "id", "parent_id", "weight", "period", "progress", "expected_progress", "confidence", "health"
        )
    )
    key_results = {
        row["objective_id"]: row
        for row in KeyResult.objects.filter(objective__workspace_id=workspace_id)
        .order_by()
        .values("objective_id")
        .annotate(
            weighted=Sum(F("weight") * Coalesce(F("rollup_progress"), Value(ZERO))),
            weights=Sum("weight"),
            confidence=Avg("confidence"),
        )
    }
    children: dict[int, list[Objective]] = {}
    for objective in objectives:
        if objective.parent_id is not None:
            children.setdefault(objective.parent_id, []).append(objective)

    figures: dict[int, tuple[Decimal | None, Decimal | None]] = {}  # id -> (progress, confidence)

    def compute(objective: Objective, path: frozenset) -> tuple[Decimal | None, Decimal | None]:
        if objective.pk in figures:
            return figures[objective.pk]
        row = key_results.get(objective.pk)
        total = (row["weighted"] or ZERO) if row else ZERO
        weights = (row["weights"] or ZERO) if row else ZERO
        confidences = [Decimal(str(row["confidence"]))] if row and row["confidence"] is not None else []
        for child in children.get(objective.pk, []):
            if child.pk in path:  # a cycle slipped past validation: ignore the back edge
                continue
            child_progress, child_confidence = compute(child, path | {child.pk})
            if child_progress is not None:
                total += child_progress * child.weight
                weights += child.weight
            if child_confidence is not None:
                confidences.append(child_confidence)
        progress = (total / weights).quantize(PROGRESS_PLACES) if weights else None
        confidence = sum(confidences) / len(confidences) if confidences else None
        figures[objective.pk] = (progress, confidence)
        return figures[objective.pk]

    expected_by_period: dict[str, Decimal] = {}
    changed = []
    for objective in objectives:
        progress, confidence = compute(objective, frozenset({objective.pk}))
        if objective.period not in expected_by_period:
            expected_by_period[objective.period] = expected_progress(objective.period, today)
        expected = expected_by_period[objective.period]
        confidence_int = None if confidence is None else int(confidence.quantize(ONE, rounding=ROUND_HALF_UP))
        health = health_of(progress=progress, expected=expected, confidence=confidence_int, thresholds=thresholds)
        new = (progress, expected, confidence_int, health)
        if new != (objective.progress, objective.expected_progress, objective.confidence, objective.health):
            objective.progress, objective.expected_progress, objective.confidence, objective.health = new
            objective.rolled_up_at = now
            changed.append(objective)
    Objective.objects.bulk_update(
        changed, ["progress", "expected_progress", "confidence", "health", "rolled_up_at"], batch_size=500
    )
    return len(changed)


def _lock_workspace(workspace_id: int) -> None:
    """Serialise rollups of one workspace (a check-in's rollup and the nightly one may overlap)."""
    from workspaces.models import Workspace

    list(Workspace.objects.select_for_update().filter(pk=workspace_id).values_list("pk", flat=True))


@transaction.atomic
def workspace_rollup(
    *, workspace_id: int, key_result_ids: Iterable[int] | None = None, today: date | None = None
) -> dict:
    """Recompute the key results of a workspace (all, or only `key_result_ids`) and all its objectives."""
    today = today or timezone.localdate()
    now = timezone.now()
    _lock_workspace(workspace_id)
    thresholds = Thresholds.for_workspace(workspace_id)
    key_result_qs = KeyResult.objects.filter(objective__workspace_id=workspace_id)
    if key_result_ids is not None:
        key_result_qs = key_result_qs.filter(pk__in=list(key_result_ids))
    touched = _key_result_values(key_result_qs)
    _key_result_progress(key_result_qs, now=now)
    periods = sorted(set(key_result_qs.order_by().values_list("objective__period", flat=True).distinct()))
    _key_result_health(key_result_qs, periods={p: expected_progress(p, today) for p in periods}, thresholds=thresholds)
    objectives_changed = _objective_figures(workspace_id=workspace_id, today=today, thresholds=thresholds, now=now)
    return {"key_results": touched, "objectives_changed": objectives_changed}


def workspace_snapshot(*, workspace_id: int, day: date) -> dict:
    """Store today's figures of every objective and key result of the workspace; a rerun overwrites the day."""
    quote = connection.ops.quote_name
    objective_table, kr_table = quote(Objective._meta.db_table), quote(KeyResult._meta.db_table)
    objective_snapshots = quote(ObjectiveSnapshot._meta.db_table)
    kr_snapshots = quote(KeyResultSnapshot._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {objective_snapshots} (objective_id, day, progress, expected_progress, confidence, health)
            SELECT o.id, %s, o.progress, o.expected_progress, o.confidence, o.health
            FROM {objective_table} o WHERE o.workspace_id = %s
            ON CONFLICT (objective_id, day) DO UPDATE SET progress = EXCLUDED.progress,
                expected_progress = EXCLUDED.expected_progress, confidence = EXCLUDED.confidence,
                health = EXCLUDED.health
            """,
            [day, workspace_id],
        )
        objectives = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {kr_snapshots} (key_result_id, day, current_value, progress, confidence, health)
            SELECT k.id, %s, k.current_value, k.rollup_progress, k.confidence, k.health
            FROM {kr_table} k JOIN {objective_table} o ON o.id = k.objective_id WHERE o.workspace_id = %s
            ON CONFLICT (key_result_id, day) DO UPDATE SET current_value = EXCLUDED.current_value,
                progress = EXCLUDED.progress, confidence = EXCLUDED.confidence, health = EXCLUDED.health
            """,
            [day, workspace_id],
        )
        return {"objectives": objectives, "key_results": cursor.rowcount}

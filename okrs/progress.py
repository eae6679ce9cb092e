"""The rules behind the OKR figures, as pure functions: where a key result stands, how far a key
result and an objective have come, and their health.

Every path shows the numbers these functions give: the model properties (pages and API), the
dashboards, and the rollup, whose set-based SQL (okrs.services.rollup) is checked against them
by property tests (tests/okrs/test_rollup_math.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .choices import Health, KeyResultDirection

ZERO, ONE = Decimal(0), Decimal(1)
PROGRESS_PLACES = Decimal("0.000001")  # progress is stored as numeric(7, 6)

Reading = tuple[datetime, int, Decimal]  # (measured_at, id, value) of one measurement


def latest_value(readings: Iterable[Reading]) -> Decimal | None:
    """The value of the latest reading, the one with the greatest (measured_at, id); None without readings."""
    latest = max(readings, key=lambda reading: (reading[0], reading[1]), default=None)
    return None if latest is None else latest[2]


def key_result_current_value(*, kpi_readings: Iterable[Reading], check_ins: Iterable[Reading]) -> Decimal | None:
    """Where a key result stands: the rule behind `KeyResult.current_value`.

    A key result that tracks a KPI stands at the KPI's latest measurement. One that tracks no KPI,
    or whose KPI has no measurement yet, stands at its latest check-in. With neither, it has no
    value yet (None). The check-ins of a key result tracking a KPI still give its confidence and note.
    `kpi_readings` is empty for a key result that tracks no KPI.
    """
    kpi_value = latest_value(kpi_readings)
    return kpi_value if kpi_value is not None else latest_value(check_ins)


def key_result_progress(
    *, start: Decimal | None, target: Decimal | None, current: Decimal | None, direction: str
) -> Decimal:
    """How far a key result has come, from 0 to 1, to 6 places (halves rounded up, as PostgreSQL rounds).

    - increase or decrease: (current − start) ÷ (target − start), clamped to 0–1. The ratio respects
      the direction by itself: for a decrease the target is below the start, so both differences
      are negative while the value moves the right way;
    - range (start is the lower bound, target the upper): 1 while start ≤ current ≤ target, else 0;
    - no current value yet (no check-in, no KPI measurement): 0. Nothing has moved, so the key
      result counts as 0 in its objective and its health shows it behind once the period is under way.
    """
    if current is None or start is None or target is None or target == start:
        return ZERO
    if direction == KeyResultDirection.RANGE:
        return ONE if start <= current <= target else ZERO
    with localcontext() as context:
        context.prec = 50  # exact enough that the one rounding below is the only one
        ratio = (Decimal(current) - Decimal(start)) / (Decimal(target) - Decimal(start))
        return max(ZERO, min(ONE, ratio)).quantize(PROGRESS_PLACES, rounding=ROUND_HALF_UP)


def objective_progress(parts: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """Σ weight × progress ÷ Σ weight over (progress, weight) pairs, to 6 places (halves rounded up).

    The pairs are the objective's key results (each progress a number, see `key_result_progress`)
    and the objectives supporting it. A supporting objective without progress (None: nothing below
    it to average) is left out rather than counted as 0. None when nothing is left to average.
    """
    total = weights = ZERO
    for progress, weight in parts:
        if progress is None:
            continue
        total += Decimal(progress) * Decimal(weight)
        weights += Decimal(weight)
    if not weights:
        return None
    with localcontext() as context:
        context.prec = 50
        return (total / weights).quantize(PROGRESS_PLACES, rounding=ROUND_HALF_UP)


def progress_percent(progress: Decimal | None) -> int | None:
    """A progress as a whole percentage for pages (0.125 → 13); None stays None."""
    return None if progress is None else int((progress * 100).quantize(ONE, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Thresholds:
    """What counts as at risk and off track; a workspace's HealthPolicy overrides these defaults."""

    at_risk_gap: Decimal = Decimal("0.100")
    off_track_gap: Decimal = Decimal("0.250")
    at_risk_confidence: int = 70
    off_track_confidence: int = 40


def health_of(*, progress: Decimal | None, expected: Decimal, confidence: int | None, thresholds: Thresholds) -> str:
    """Off track or at risk when progress trails the expected share of the period by more than a gap,
    or when the latest confidence is below a threshold; the worse of the two wins. Blank when there is
    no progress to judge (an objective with nothing to average)."""
    if progress is None:
        return ""
    gap = expected - progress
    if gap > thresholds.off_track_gap or (confidence is not None and confidence < thresholds.off_track_confidence):
        return Health.OFF_TRACK
    if gap > thresholds.at_risk_gap or (confidence is not None and confidence < thresholds.at_risk_confidence):
        return Health.AT_RISK
    return Health.ON_TRACK

"""Trend charts of KPIs and key results: the latest measurements placed on a server-rendered SVG.

`trend_chart` is pure (values in, coordinates out) so a property test can check it against a
plain-Python twin; `kpi_trend` and `key_result_trend` read at most `TREND_POINTS` measurements.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..models import KPI, KeyResult, Measurement

TREND_POINTS = 60  # the latest measurements drawn; older ones are counted, not drawn
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 36  # margins for the axes' ticks


@dataclass
class TrendPoint:
    at: datetime
    value: Decimal
    x: float
    y: float


@dataclass
class Trend:
    points: list[TrendPoint]
    hidden: int = 0  # older measurements not drawn
    start: Decimal | None = None
    target: Decimal | None = None
    target_of: str = ""  # the key result whose start and target are drawn on a KPI's chart
    start_y: float | None = None
    target_y: float | None = None
    y_ticks: list[tuple[Decimal, float]] = field(default_factory=list)
    x_ticks: list[tuple[datetime, float]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def line(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def first(self) -> TrendPoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None


def trend_chart(
    values: list[tuple[datetime, Decimal]],
    *,
    start: Decimal | None = None,
    target: Decimal | None = None,
    hidden: int = 0,
) -> Trend:
    """Place (time, value) pairs, oldest first, on the chart: time across, value up. The value axis
    spans the values, the start and the target; one instant or one value is drawn in the middle."""
    trend = Trend(points=[], hidden=hidden, start=start, target=target)
    if not values:
        return trend
    inner_w, inner_h = trend.right - trend.left, trend.bottom - trend.top
    numbers = [v for _, v in values] + [v for v in (start, target) if v is not None]
    low, high = min(numbers), max(numbers)
    first, last = values[0][0], values[-1][0]
    span = (last - first).total_seconds()

    def x_of(at: datetime) -> float:
        share = (at - first).total_seconds() / span if span > 0 else 0.5
        return round(trend.left + share * inner_w, 1)

    def y_of(value: Decimal) -> float:
        share = float((value - low) / (high - low)) if high > low else 0.5
        return round(trend.bottom - share * inner_h, 1)

    trend.points = [TrendPoint(at, value, x_of(at), y_of(value)) for at, value in values]
    trend.start_y = y_of(start) if start is not None else None
    trend.target_y = y_of(target) if target is not None else None
    steps = 4 if high > low else 0
    trend.y_ticks = [(low + (high - low) * i / steps, y_of(low + (high - low) * i / steps)) for i in range(steps)]
    trend.y_ticks.append((high, y_of(high)))
    middle = values[len(values) // 2][0]
    trend.x_ticks = [(at, x_of(at)) for at in dict.fromkeys([first, middle, last]) if span > 0 or at == first]
    return trend


def _latest(measurements, limit: int) -> tuple[list[tuple[datetime, Decimal]], int]:
    rows = list(measurements.order_by("-measured_at", "-id").values_list("measured_at", "value")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit][::-1]
    hidden = measurements.count() - limit if more else 0
    return rows, hidden


def kpi_trend(*, kpi: KPI, limit: int = TREND_POINTS) -> Trend:
    """The KPI's latest measurements; the first key result tracking it gives the start and target lines."""
    values, hidden = _latest(Measurement.objects.filter(kpi=kpi), limit)
    tracking = KeyResult.objects.filter(kpi=kpi).order_by("-objective__period", "pk").first()
    if tracking is None:
        return trend_chart(values, hidden=hidden)
    trend = trend_chart(values, start=tracking.start_value, target=tracking.target_value, hidden=hidden)
    trend.target_of = tracking.title
    return trend


def key_result_trend(*, key_result: KeyResult, limit: int = TREND_POINTS) -> Trend:
    """A key result's values over time: its KPI's measurements when it tracks one, else its check-ins."""
    source = (
        Measurement.objects.filter(kpi_id=key_result.kpi_id)
        if key_result.kpi_id
        else Measurement.objects.filter(key_result=key_result)
    )
    values, hidden = _latest(source, limit)
    return trend_chart(values, start=key_result.start_value, target=key_result.target_value, hidden=hidden)

"""Forecasts of a product's work: when will a scope be done, how much by a date, with the caveats stated.

The throughput history is the product's (its team's): items finished per day over the last
`window` days, ending yesterday (today is not over), zero days included.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from backlog.selectors.throughput import daily_throughput, scope_remaining
from core.figures import cached_figure

from ..forecast import PERCENTILES, TRIALS_DEFAULT, forecast_how_many, forecast_when

SCOPES = ("epic", "initiative", "release", "top")
WINDOW_MIN, WINDOW_MAX = 7, 365
TOP_MAX = 5_000
# Fewer days than this of history, or fewer finished items, and the forecast says it is a rough guess.
THIN_HISTORY_DAYS = 14
THIN_HISTORY_ITEMS = 5


def window_default() -> int:
    return getattr(settings, "FORECAST_WINDOW_DAYS", 90)


@dataclass
class Forecast:
    scope: str
    remaining: int
    window: int
    first_day: date
    last_day: date
    finished_in_window: int
    trials: int
    growth: tuple[float, float]
    start: date  # day 1 of the simulation is the day after `start`
    when: dict[int, date | None] = field(default_factory=dict)
    by_date: date | None = None
    how_many: dict[int, int] | None = None
    beyond_horizon_share: float = 0.0
    caveats: list[str] = field(default_factory=list)

    @property
    def percentiles(self) -> list[dict]:
        return [
            {"p": p, "date": self.when.get(p), "count": self.how_many.get(p) if self.how_many else None}
            for p in PERCENTILES
        ]


def throughput(*, product, first: date, last: date) -> list[int]:
    """The product's items finished per day (backlog's daily_throughput), summed once per version of
    the workspace's figures (core.figures: every write bumps it), not on every forecast."""
    return cached_figure(
        workspace_id=product.workspace_id,
        name="delivery.throughput",
        parts=(product.pk, first.isoformat(), last.isoformat()),
        compute=lambda: daily_throughput(product_id=product.pk, first=first, last=last),
    )


def forecast(
    *,
    product,
    scope: str,
    scope_id: int | None = None,
    top: int = 20,
    window: int | None = None,
    trials: int = TRIALS_DEFAULT,
    growth: tuple[float, float] = (1.0, 1.0),
    by_date: date | None = None,
    today: date | None = None,
    seed: int | None = None,
) -> Forecast:
    """Simulate the remaining work of a scope of `product` (the caller checked access to it and to `scope_id`)."""
    today = today or timezone.localdate()
    window = window or window_default()
    last = today - timedelta(days=1)
    first = today - timedelta(days=window)
    history = throughput(product=product, first=first, last=last)
    remaining = cached_figure(
        workspace_id=product.workspace_id,
        name="delivery.remaining",
        parts=(product.pk, scope, scope_id, top),
        compute=lambda: scope_remaining(product_id=product.pk, scope=scope, scope_id=scope_id, top=top),
    )
    result = Forecast(
        scope=scope,
        remaining=remaining,
        window=window,
        first_day=first,
        last_day=last,
        finished_in_window=sum(history),
        trials=trials,
        growth=growth,
        start=today,
        by_date=by_date,
    )
    if remaining == 0:
        result.caveats.append("Nothing left to do in this scope.")
    if result.finished_in_window == 0:
        result.caveats.append(
            f"No item was finished in the last {window} days: without throughput there is no forecast. "
            "Finish work (or widen the window) to get one."
        )
    elif result.finished_in_window < THIN_HISTORY_ITEMS or window < THIN_HISTORY_DAYS:
        result.caveats.append(
            f"Only {result.finished_in_window} items finished in {window} days: treat this as a rough guess."
        )
    if growth[1] > 1.0 or growth[0] != 1.0:
        result.caveats.append(f"The scope may grow by {growth[0]:g}× to {growth[1]:g}× while the work goes on.")
    when = forecast_when(history, remaining, trials=trials, growth=growth, seed=seed)
    result.when = {p: (today + timedelta(days=d) if d is not None else None) for p, d in when.days.items()}
    result.beyond_horizon_share = when.beyond_horizon_share
    if remaining and result.finished_in_window and when.beyond_horizon_share > 0:
        result.caveats.append(
            f"In {when.beyond_horizon_share:.0%} of the trials the work is not done within three years."
        )
    if by_date is not None:
        result.how_many = forecast_how_many(history, (by_date - today).days, trials=trials, seed=seed).counts
        if by_date <= today:
            result.caveats.append("The date is today or past: nothing more can be finished by then.")
    return result

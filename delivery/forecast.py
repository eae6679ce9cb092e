"""Monte Carlo forecasts from a team's daily throughput (items finished per day, zero days included).

Pure numpy, no database: every trial replays the future as days drawn at random (with replacement)
from the history. "When will N items be done" is the day on which a trial's running total reaches N
(times a scope growth factor drawn per trial, when a range is given); "how many by date D" is a
trial's total over the days until D. Percentiles are read by the nearest-rank rule, so that
P85 is a day by which at least 85 % of trials are done, or a count at least 85 % of trials reach.

Every simulation is bounded: days are drawn in chunks up to HORIZON_DAYS, so an all-zero history
(or a target out of reach) ends with "not within the horizon" instead of looping forever.
"""

from dataclasses import dataclass

import numpy as np

PERCENTILES = (50, 85, 95)
TRIALS_DEFAULT = 10_000
TRIALS_MAX = 50_000
HORIZON_DAYS = 3 * 365  # a forecast further out than three years says "not within three years"
CHUNK_DAYS = 64
ITEMS_MAX = 100_000
GROWTH_MAX = 5.0


def percentile_days(days: np.ndarray, p: int) -> int:
    """The smallest simulated day by which at least p % of trials are done (nearest rank)."""
    ordered = np.sort(days)
    return int(ordered[(p * ordered.size + 99) // 100 - 1])


def percentile_count(counts: np.ndarray, p: int) -> int:
    """The largest count that at least p % of trials reach (nearest rank from below)."""
    ordered = np.sort(counts)
    return int(ordered[((100 - p) * ordered.size) // 100])


def targets_for(remaining: int, *, trials: int, growth: tuple[float, float], rng: np.random.Generator) -> np.ndarray:
    """Items each trial must finish: the remaining count times a growth factor drawn uniformly per trial."""
    low, high = growth
    factors = rng.uniform(low, high, size=trials) if high > low else np.full(trials, low)
    return np.ceil(remaining * factors - 1e-9).astype(np.int64)


def days_to_reach(draws: np.ndarray, targets: np.ndarray, *, already: np.ndarray | None = None) -> np.ndarray:
    """For each row of `draws` (trials × days), the 1-based day its running total first reaches its target,
    or 0 if it does not within those days. `already` is each trial's total before these days."""
    running = np.cumsum(draws, axis=1)
    if already is not None:
        running += already[:, None]
    reached = running >= targets[:, None]
    return np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, 0)


def simulate_days(
    history,
    remaining: int,
    *,
    trials: int = TRIALS_DEFAULT,
    growth: tuple[float, float] = (1.0, 1.0),
    seed: int | None = None,
    horizon: int = HORIZON_DAYS,
) -> np.ndarray:
    """Days each trial needs to finish `remaining` items; horizon + 1 for a trial not done within the horizon."""
    rng = np.random.default_rng(seed)
    history = np.asarray(history, dtype=np.int64)
    targets = targets_for(remaining, trials=trials, growth=growth, rng=rng)
    result = np.full(trials, horizon + 1, dtype=np.int64)
    result[targets <= 0] = 0
    if history.size == 0 or history.sum() == 0:
        return result
    pending = np.flatnonzero(targets > 0)
    done = np.zeros(trials, dtype=np.int64)
    day = 0
    while pending.size and day < horizon:
        width = min(CHUNK_DAYS, horizon - day)
        draws = history[rng.integers(0, history.size, size=(pending.size, width))]
        reached = days_to_reach(draws, targets[pending], already=done[pending])
        hit = reached > 0
        result[pending[hit]] = day + reached[hit]
        done[pending] += draws.sum(axis=1)
        pending = pending[~hit]
        day += width
    return result


def simulate_counts(history, days: int, *, trials: int = TRIALS_DEFAULT, seed: int | None = None) -> np.ndarray:
    """Items each trial finishes in the next `days` days."""
    rng = np.random.default_rng(seed)
    history = np.asarray(history, dtype=np.int64)
    counts = np.zeros(trials, dtype=np.int64)
    if history.size == 0 or days <= 0:
        return counts
    left = min(days, HORIZON_DAYS)
    while left > 0:
        width = min(CHUNK_DAYS, left)
        counts += history[rng.integers(0, history.size, size=(trials, width))].sum(axis=1)
        left -= width
    return counts


def simulate_days_many(
    history, targets: list[int], *, trials: int = TRIALS_DEFAULT, seed: int | None = None, horizon: int = HORIZON_DAYS
) -> list[np.ndarray]:
    """Days each trial needs to reach each of several item counts, all in one simulation (one future per
    trial, shared by every target: a later milestone is never forecast before an earlier one).
    horizon + 1 for a trial that does not reach a target within the horizon."""
    rng = np.random.default_rng(seed)
    history = np.asarray(history, dtype=np.int64)
    results = [np.full(trials, horizon + 1 if t > 0 else 0, dtype=np.int64) for t in targets]
    goal = max(targets, default=0)
    if goal <= 0 or history.size == 0 or history.sum() == 0:
        return results
    done = np.zeros(trials, dtype=np.int64)
    pending = np.arange(trials)
    day = 0
    while pending.size and day < horizon:
        width = min(CHUNK_DAYS, horizon - day)
        draws = history[rng.integers(0, history.size, size=(pending.size, width))]
        running = np.cumsum(draws, axis=1) + done[pending, None]
        for target, result in zip(targets, results, strict=True):
            if target <= 0:
                continue
            waiting = result[pending] > horizon
            reached = running >= target
            hit = waiting & reached.any(axis=1)
            result[pending[hit]] = day + reached[hit].argmax(axis=1) + 1
        done[pending] = running[:, -1]
        pending = pending[done[pending] < goal]
        day += width
    return results


@dataclass
class WhenForecast:
    remaining: int
    trials: int
    days: dict[int, int | None]  # percentile -> days from the start (None: not within the horizon)
    beyond_horizon_share: float


@dataclass
class HowManyForecast:
    days: int
    trials: int
    counts: dict[int, int]  # percentile -> items finished


def forecast_when(
    history, remaining: int, *, trials: int = TRIALS_DEFAULT, growth=(1.0, 1.0), seed=None, horizon=HORIZON_DAYS
) -> WhenForecast:
    days = simulate_days(history, remaining, trials=trials, growth=growth, seed=seed, horizon=horizon)
    by_percentile: dict[int, int | None] = {}
    for p in PERCENTILES:
        value = percentile_days(days, p)
        by_percentile[p] = value if value <= horizon else None
    return WhenForecast(remaining, trials, by_percentile, float((days > horizon).mean()))


def forecast_how_many(history, days: int, *, trials: int = TRIALS_DEFAULT, seed=None) -> HowManyForecast:
    counts = simulate_counts(history, days, trials=trials, seed=seed)
    return HowManyForecast(days, trials, {p: percentile_count(counts, p) for p in PERCENTILES})

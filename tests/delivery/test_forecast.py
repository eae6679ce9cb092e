"""The Monte Carlo forecast: percentiles against a hand-computed distribution, a plain-Python twin, and
histories with nothing in them."""

import math
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from delivery.forecast import (
    HORIZON_DAYS,
    days_to_reach,
    forecast_how_many,
    forecast_when,
    percentile_count,
    percentile_days,
    simulate_days,
)


def test_percentiles_of_one_item_on_a_coin_flip_history_match_the_geometric_distribution():
    # Each day finishes one item with probability 1/2: P(done by day d) = 1 - 2**-d.
    # P50: the first d with 1 - 2**-d >= 0.5 is 1; P85: 1 - 1/8 = 0.875 >= 0.85 at d = 3 (d = 2 gives 0.75);
    # P95: 1 - 1/32 = 0.969 >= 0.95 at d = 5 (d = 4 gives 0.9375).
    result = forecast_when([0, 1], 1, trials=20_000, seed=7)
    assert result.days == {50: 1, 85: 3, 95: 5}
    assert result.beyond_horizon_share == 0


def test_percentiles_of_two_items_on_a_steady_history_are_exact():
    # One item every day: two items take exactly two days in every trial; with a growth of 1.5× they take 3.
    assert forecast_when([1, 1, 1], 2, trials=1_000, seed=1).days == {50: 2, 85: 2, 95: 2}
    assert forecast_when([1], 2, trials=1_000, seed=1, growth=(1.5, 1.5)).days == {50: 3, 85: 3, 95: 3}


def test_how_many_by_a_date_on_a_coin_flip_history():
    # Items in 4 days ~ Binomial(4, 1/2): P(X >= 3) = 5/16 = 0.31, P(X >= 2) = 11/16 = 0.69, P(X >= 1) = 0.94.
    # P50 (reached in at least half of the trials) = 2; P85 = 1; P95: P(X >= 1) = 0.9375 < 0.95, so 0.
    assert forecast_how_many([0, 1], 4, trials=20_000, seed=3).counts == {50: 2, 85: 1, 95: 0}


def test_an_empty_or_all_zero_history_ends_without_a_date():
    for history in ([], [0, 0, 0]):
        result = forecast_when(history, 10, trials=500, seed=1)
        assert result.days == {50: None, 85: None, 95: None} and result.beyond_horizon_share == 1
        assert forecast_how_many(history, 30, trials=500, seed=1).counts == {50: 0, 85: 0, 95: 0}


def test_a_target_out_of_reach_stops_at_the_horizon():
    # One item a year on average: a thousand items are never done within the horizon, and the loop ends.
    days = simulate_days([1] + [0] * 364, 1_000, trials=200, seed=2)
    assert (days == HORIZON_DAYS + 1).all()


def test_nothing_left_is_done_at_once():
    assert forecast_when([1, 2], 0, trials=100, seed=1).days == {50: 0, 85: 0, 95: 0}


def _twin_days(draws: list[list[int]], targets: list[int]) -> list[int]:
    """The plain-Python twin of days_to_reach: walk each trial's days until its total reaches its target."""
    out = []
    for row, target in zip(draws, targets, strict=True):
        total, day = 0, 0
        for n, value in enumerate(row, start=1):
            total += value
            if total >= target:
                day = n
                break
        out.append(day)
    return out


def _twin_percentile_days(values: list[int], p: int) -> int:
    ordered = sorted(values)
    return next(v for v in ordered if sum(1 for w in ordered if w <= v) >= p / 100 * len(ordered) - 1e-9)


def _twin_percentile_count(values: list[int], p: int) -> int:
    ordered = sorted(values)
    return max(v for v in ordered if sum(1 for w in ordered if w >= v) >= p / 100 * len(ordered) - 1e-9)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.integers(1, 12).flatmap(
        lambda width: st.lists(st.lists(st.integers(0, 5), min_size=width, max_size=width), min_size=1, max_size=20)
    ),
    seed=st.integers(0, 1000),
)
def test_the_vectorised_simulation_agrees_with_a_plain_python_twin(rows, seed):
    targets = [random.Random(seed + i).randint(1, 15) for i in range(len(rows))]
    days = days_to_reach(np.array(rows), np.array(targets))
    assert days.tolist() == _twin_days(rows, targets)
    for p in (50, 85, 95):
        assert percentile_days(days, p) == _twin_percentile_days(days.tolist(), p)
        assert percentile_count(days, p) == _twin_percentile_count(days.tolist(), p)


def test_ten_thousand_trials_of_five_hundred_items_draw_from_the_history_only():
    rng = np.random.default_rng(0)
    history = rng.poisson(3, 90)
    result = forecast_when(history, 500, trials=10_000, seed=1)
    # At most max(history) items a day, at least the mean's worth of days is near the P50.
    assert math.ceil(500 / history.max()) <= result.days[50] <= result.days[85] <= result.days[95]
    assert abs(result.days[50] - 500 / history.mean()) < 10

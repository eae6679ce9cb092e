"""Rollup maths: progress, expected progress, weighted means and health, as a PM would check them by hand,
and the rollup's SQL checked against the Python rules (okrs.progress) on random data."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.models import Health, HealthPolicy, KeyResult, Measurement, Objective
from okrs.models import KeyResultDirection as Direction
from okrs.periods import expected_progress, period_bounds
from okrs.progress import Thresholds, health_of, key_result_current_value, key_result_progress, objective_progress
from okrs.services.rollup import (
    key_results_health_refresh,
    key_results_progress_refresh,
    key_results_values_refresh,
    workspace_rollup,
    workspace_snapshot,
)
from tests import factories as f

TODAY = date(2027, 2, 14)  # day 45 of the 90 days of 2027-Q1: exactly half way


def _progress(start: str, target: str, current: str | None, direction=Direction.INCREASE) -> D:
    return key_result_progress(
        start=D(start), target=D(target), current=None if current is None else D(current), direction=direction
    )


def test_increase_progress_is_the_share_of_the_way_from_start_to_target():
    assert _progress("20", "60", "30") == D("0.25")


def test_decrease_direction_counts_a_fall_as_progress():
    # churn 5 % → 3 %: at 4 % half of the way is done; a rise is no progress at all
    assert _progress("5", "3", "4", Direction.DECREASE) == D("0.5")
    assert _progress("5", "3", "6", Direction.DECREASE) == D("0")


def test_over_achievement_is_clamped_to_100_percent():
    assert _progress("0", "100", "250") == D("1")
    assert _progress("5", "3", "1", Direction.DECREASE) == D("1")


def test_start_equal_to_current_and_no_value_yet_are_no_progress():
    assert _progress("10", "20", "10") == D("0")
    assert _progress("10", "20", None) == D("0")
    assert _progress("99.5", "99.9", None, Direction.RANGE) == D("0")


def test_progress_has_six_places_and_halves_round_up():
    assert _progress("0", "3", "1") == D("0.333333")
    assert _progress("0", "2000000", "1") == D("0.000001")  # 0.0000005: half of the last place, rounded up


def test_objective_progress_is_the_weighted_mean_of_what_has_progress():
    assert objective_progress([(D("1"), D("3")), (D("0"), D("1"))]) == D("0.75")
    assert objective_progress([(D("1"), D("3")), (None, D("5"))]) == D("1")  # a supporting objective with nothing
    assert objective_progress([]) is None and objective_progress([(None, D("1"))]) is None


@pytest.mark.parametrize(
    ("period", "today", "expected"),
    [
        ("2027-Q1", date(2026, 12, 31), D("0")),  # not started yet
        ("2027-Q1", date(2027, 1, 1), D("0.011111")),  # 1 of 90 days
        ("2027-Q1", TODAY, D("0.5")),
        ("2027-Q1", date(2027, 3, 31), D("1")),
        ("2027-Q1", date(2027, 6, 1), D("1")),  # already over
        ("2027-H2", date(2027, 9, 30), D("0.5")),  # to the end of 30 September: 92 of 184 days
        ("2027", date(2027, 12, 31), D("1")),
    ],
)
def test_expected_progress_is_the_share_of_the_period_elapsed(period, today, expected):
    assert expected_progress(period, today) == expected


def test_period_bounds():
    assert period_bounds("2027-Q4") == (date(2027, 10, 1), date(2028, 1, 1))
    assert period_bounds("2027-H1") == (date(2027, 1, 1), date(2027, 7, 1))


@pytest.mark.parametrize(
    ("progress", "confidence", "health"),
    [
        (D("0.5"), 90, Health.ON_TRACK),
        (D("0.45"), None, Health.ON_TRACK),  # 5 points behind: within the 10-point gap
        (D("0.35"), 90, Health.AT_RISK),  # 15 points behind
        (D("0.2"), 90, Health.OFF_TRACK),  # 30 points behind
        (D("0.9"), 50, Health.AT_RISK),  # ahead, but the team doubts it
        (D("0.9"), 30, Health.OFF_TRACK),
        (None, 90, ""),
    ],
)
def test_health_from_gap_and_confidence(progress, confidence, health):
    assert health_of(progress=progress, expected=D("0.5"), confidence=confidence, thresholds=Thresholds()) == health


# ---- the set-based rollup on the database ---------------------------------------------------------


def _check_in(key_result, value, confidence=80, note=""):
    f.MeasurementFactory(kpi=None, key_result=key_result, value=D(value), confidence=confidence, note=note)


def test_rollup_of_nested_objectives_with_weights(world):
    ws = world.workspace
    company = f.ObjectiveFactory(workspace=ws, title="Grow revenue", period="2027-Q1")
    team = f.ObjectiveFactory(workspace=ws, product=world.product, parent=company, period="2027-Q1", weight=D("2"))
    signups = f.KeyResultFactory(objective=team, start_value=D("0"), target_value=D("100"), weight=D("3"))
    churn = f.KeyResultFactory(
        objective=team, direction=Direction.DECREASE, start_value=D("5"), target_value=D("3"), weight=D("1")
    )
    revenue = f.KeyResultFactory(objective=company, start_value=D("10"), target_value=D("20"))
    silent = f.KeyResultFactory(objective=company, start_value=D("0"), target_value=D("10"))  # no check-in
    _check_in(signups, "60", confidence=90)
    _check_in(churn, "4", confidence=50, note="Pricing change slipped")
    _check_in(revenue, "25", confidence=95)

    workspace_rollup(workspace_id=ws.pk, today=TODAY)

    values = {kr.pk: kr for kr in KeyResult.objects.all()}
    assert values[signups.pk].rollup_progress == D("0.6")
    assert values[churn.pk].rollup_progress == D("0.5")
    assert values[churn.pk].last_check_in_note == "Pricing change slipped"
    assert values[revenue.pk].rollup_progress == D("1")  # 25 of 20: clamped
    assert values[silent.pk].rollup_progress == D("0") and values[silent.pk].confidence is None
    assert values[churn.pk].health == Health.AT_RISK  # on track by progress, but confidence 50 < 70
    assert values[silent.pk].health == Health.OFF_TRACK  # 50 points behind
    team.refresh_from_db()
    company.refresh_from_db()
    # team: (0.6 × 3 + 0.5 × 1) ÷ 4 = 0.575
    assert team.progress == D("0.575") and team.expected_progress == D("0.5")
    assert team.confidence == 70 and team.health == Health.ON_TRACK
    # company: (revenue 1 × 1 + silent 0 × 1 + team 0.575 × 2) ÷ 4 = 0.5375
    assert company.progress == D("0.5375")
    assert company.confidence == 83  # mean of its key results (95) and of the team objective (70)
    assert company.health == Health.ON_TRACK


def test_rollup_is_idempotent_and_writes_nothing_new_the_second_time(world):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    _check_in(f.KeyResultFactory(objective=objective), "30")
    first = workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    before = Objective.objects.values("progress", "health", "rolled_up_at").get()
    second = workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    assert (first["objectives_changed"], second["objectives_changed"]) == (1, 0)
    assert Objective.objects.values("progress", "health", "rolled_up_at").get() == before


def test_an_objective_without_key_results_has_no_progress_and_does_not_drag_its_parent(world):
    parent = f.ObjectiveFactory(workspace=world.workspace)
    f.ObjectiveFactory(workspace=world.workspace, parent=parent)
    _check_in(f.KeyResultFactory(objective=parent), "80")
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    figures = dict(Objective.objects.values_list("title", "progress"))
    assert figures[parent.title] == D("0.8")
    assert list(Objective.objects.filter(progress__isnull=True).values_list("health", flat=True)) == [""]


def test_periods_not_started_or_over(world):
    future = f.ObjectiveFactory(workspace=world.workspace, period="2027-Q3")
    past = f.ObjectiveFactory(workspace=world.workspace, period="2026-Q4")
    f.KeyResultFactory(objective=future)
    _check_in(f.KeyResultFactory(objective=past), "80", confidence=90)
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    future.refresh_from_db()
    past.refresh_from_db()
    assert (future.expected_progress, future.progress, future.health) == (D("0"), D("0"), Health.ON_TRACK)
    assert (past.expected_progress, past.progress, past.health) == (D("1"), D("0.8"), Health.AT_RISK)


def test_a_key_result_tracking_a_kpi_follows_its_latest_measurement(world):
    kpi = f.KPIFactory(product=world.product)
    f.MeasurementFactory(kpi=kpi, value=D("12"))
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace), kpi=kpi)
    _check_in(key_result, "90", confidence=80)  # the KPI wins over a typed-in value; the check-in gives confidence
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    key_result.refresh_from_db()
    assert (key_result.current_value, key_result.rollup_progress, key_result.confidence) == (D("12"), D("0.12"), 80)


def test_thresholds_come_from_the_workspace_policy(world):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    _check_in(f.KeyResultFactory(objective=objective), "35", confidence=90)  # 15 points behind
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    objective.refresh_from_db()
    assert objective.health == Health.AT_RISK
    HealthPolicy.objects.create(workspace=world.workspace, at_risk_gap=D("0.2"), off_track_gap=D("0.4"))
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    objective.refresh_from_db()
    assert objective.health == Health.ON_TRACK
    assert KeyResult.objects.get().health == Health.ON_TRACK


def test_the_rollup_leaves_other_workspaces_alone(world):
    ours = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    theirs = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.other_workspace))
    _check_in(ours, "50")
    _check_in(theirs, "50")
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    assert KeyResult.objects.get(pk=theirs.pk).rollup_progress is None
    assert KeyResult.objects.get(pk=ours.pk).rollup_progress == D("0.5")


def test_a_snapshot_is_one_row_a_day_and_a_rerun_overwrites_it(world):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    key_result = f.KeyResultFactory(objective=objective)
    _check_in(key_result, "20")
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    assert workspace_snapshot(workspace_id=world.workspace.pk, day=TODAY) == {"objectives": 1, "key_results": 1}
    _check_in(key_result, "40")
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    workspace_snapshot(workspace_id=world.workspace.pk, day=TODAY)
    workspace_snapshot(workspace_id=world.workspace.pk, day=date(2027, 2, 15))
    rows = list(objective.snapshots.order_by("day").values_list("day", "progress"))
    assert rows == [(TODAY, D("0.4")), (date(2027, 2, 15), D("0.4"))]
    assert list(key_result.snapshots.values_list("current_value", flat=True)) == [D("40"), D("40")]


def test_the_objective_page_shows_its_figures_and_their_history(world):
    from django.urls import reverse

    objective = f.ObjectiveFactory(workspace=world.workspace)
    _check_in(f.KeyResultFactory(objective=objective), "30", confidence=65)
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    workspace_snapshot(workspace_id=world.workspace.pk, day=date(2027, 2, 1))
    url = reverse("okrs:objective_detail", kwargs={"workspace_id": world.workspace.pk, "pk": objective.pk})
    page = world.client("viewer").get(url).content.decode()
    assert "<strong>30 %</strong> progress" in page and "<strong>65 %</strong> confidence" in page
    assert "<td>1 Feb 2027</td>" in page and "At risk" in page  # 20 points behind, and 65 < 70


@pytest.mark.parametrize(
    ("current", "progress"), [("99.5", D("1")), ("99.9", D("1")), ("99.2", D("0")), ("100", D("0"))]
)
def test_a_range_key_result_is_met_inside_its_bounds_only(world, current, progress):
    # crash-free sessions must stay between 99.5 % and 99.9 %
    assert (
        key_result_progress(start=D("99.5"), target=D("99.9"), current=D(current), direction=Direction.RANGE)
        == progress
    )
    key_result = f.KeyResultFactory(
        objective=f.ObjectiveFactory(workspace=world.workspace),
        direction="range",
        start_value=D("99.5"),
        target_value=D("99.9"),
    )
    _check_in(key_result, current)
    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)
    key_result.refresh_from_db()
    assert key_result.rollup_progress == progress


# ---- the rollup's SQL against the Python rules, on any values the columns hold (PostgreSQL) --------

BIG = D("999999999999.9999")  # the largest numeric(16, 4)
VALUES = st.one_of(
    st.decimals(min_value=D("-200"), max_value=D("200"), places=4),
    st.decimals(min_value=-BIG, max_value=BIG, places=4),
)
ANY_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@pytest.fixture
def key_result(world):
    return f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))


@settings(ANY_SETTINGS, max_examples=300)
@given(start=VALUES, target=VALUES, current=st.none() | VALUES, direction=st.sampled_from(Direction.values))
@example(start=D("0"), target=D("900000000000.0003"), current=D("300000150000.0001"), direction=Direction.INCREASE)
@example(start=D("0"), target=D("2000000"), current=D("1"), direction=Direction.INCREASE)
@example(start=D("7"), target=D("7"), current=D("7"), direction=Direction.RANGE)
def test_the_progress_sql_agrees_with_key_result_progress(postgres, key_result, start, target, current, direction):
    """The first example is 0.33333349999…: PostgreSQL's own division rounds it to 0.3333335 before the column
    rounds again, to 0.333334; the rollup divides at a scale where only the column rounds."""
    rows = KeyResult.objects.filter(pk=key_result.pk)
    rows.update(start_value=start, target_value=target, current_value=current, direction=direction)
    key_results_progress_refresh(key_results=rows, now=timezone.now())
    stored = rows.get()
    rule = key_result_progress(start=start, target=target, current=current, direction=direction)
    assert stored.rollup_progress == rule
    assert stored.progress == rule  # the model property reads the same value back


@settings(ANY_SETTINGS, max_examples=200)
@given(
    progress=st.decimals(min_value=0, max_value=1, places=6),
    expected=st.decimals(min_value=0, max_value=1, places=6),
    confidence=st.none() | st.integers(min_value=0, max_value=100),
    gaps=st.lists(st.decimals(min_value=0, max_value=1, places=3), min_size=2, max_size=2).map(sorted),
    confidences=st.lists(st.integers(min_value=0, max_value=100), min_size=2, max_size=2).map(sorted),
)
@example(progress=D("0.4"), expected=D("0.5"), confidence=70, gaps=[D("0.1"), D("0.25")], confidences=[40, 70])
def test_the_health_sql_agrees_with_health_of(postgres, key_result, progress, expected, confidence, gaps, confidences):
    thresholds = Thresholds(gaps[0], gaps[1], confidences[1], confidences[0])
    rows = KeyResult.objects.filter(pk=key_result.pk)
    rows.update(rollup_progress=progress, confidence=confidence)
    key_results_health_refresh(key_results=rows, periods={key_result.objective.period: expected}, thresholds=thresholds)
    rule = health_of(progress=progress, expected=expected, confidence=confidence, thresholds=thresholds)
    assert rows.get().health == rule


SMALL = st.decimals(min_value=D("-1000"), max_value=D("1000"), places=4)
# (day, value): a handful of days, so that several readings share a time and the id decides
READINGS = st.lists(st.tuples(st.integers(min_value=0, max_value=3), SMALL), max_size=4)


@settings(ANY_SETTINGS, max_examples=150)
@given(
    tracks_kpi=st.booleans(),
    kpi_readings=READINGS,
    check_ins=st.lists(
        st.tuples(st.integers(min_value=0, max_value=3), SMALL, st.integers(min_value=0, max_value=100)), max_size=4
    ),
)
def test_the_current_value_sql_agrees_with_key_result_current_value(
    postgres, world, key_result, tracks_kpi, kpi_readings, check_ins
):
    kpi, noise = f.KPIFactory(product=world.product), f.KPIFactory(product=world.product)
    KeyResult.objects.filter(pk=key_result.pk).update(kpi=kpi if tracks_kpi else None)
    Measurement.objects.filter(key_result=key_result).delete()
    start = timezone.make_aware(datetime(2027, 1, 4, 9))
    made = Measurement.objects.bulk_create(
        [Measurement(kpi=noise, value=D("-77"), measured_at=start + timedelta(days=9))]
        + [Measurement(kpi=kpi, value=value, measured_at=start + timedelta(days=day)) for day, value in kpi_readings]
        + [
            Measurement(
                key_result=key_result, value=value, confidence=c, note=f"{n}", measured_at=start + timedelta(days=day)
            )
            for n, (day, value, c) in enumerate(check_ins)
        ]
    )
    key_results_values_refresh(key_results=KeyResult.objects.filter(pk=key_result.pk))

    stored = KeyResult.objects.get(pk=key_result.pk)
    kpi_rows = [(m.measured_at, m.pk, m.value) for m in made if m.kpi_id == kpi.pk] if tracks_kpi else []
    check_in_rows = [(m.measured_at, m.pk, m.value) for m in made if m.key_result_id]
    assert stored.current_value == key_result_current_value(kpi_readings=kpi_rows, check_ins=check_in_rows)
    latest = max((m for m in made if m.key_result_id), key=lambda m: (m.measured_at, m.pk), default=None)
    assert (stored.confidence, stored.last_check_in_note) == (
        (latest.confidence, latest.note) if latest else (None, "")
    )


KEY_RESULTS = st.lists(
    st.tuples(SMALL, SMALL, st.none() | SMALL, st.sampled_from(Direction.values), st.sampled_from(["0.5", "1", "3"])),
    max_size=3,
)
TREES = st.lists(  # (index of the parent among the objectives before it, or None; weight; key results)
    st.tuples(st.integers(min_value=-1, max_value=5), st.sampled_from(["0.5", "1", "2"]), KEY_RESULTS),
    min_size=1,
    max_size=6,
)


@settings(ANY_SETTINGS, max_examples=60)
@given(tree=TREES)
def test_the_rollup_of_objectives_agrees_with_objective_progress(postgres, world, tree):
    Objective.objects.filter(workspace=world.workspace).delete()
    objectives = []
    for n, (parent, weight, key_results) in enumerate(tree):
        objective = f.ObjectiveFactory(
            workspace=world.workspace,
            parent=objectives[parent] if 0 <= parent < n else None,
            weight=D(weight),
        )
        objectives.append(objective)
        for start, target, current, direction, kr_weight in key_results:
            kr = f.KeyResultFactory(
                objective=objective, start_value=start, target_value=target, direction=direction, weight=D(kr_weight)
            )
            if current is not None:
                f.MeasurementFactory(kpi=None, key_result=kr, value=current, confidence=50)

    workspace_rollup(workspace_id=world.workspace.pk, today=TODAY)

    key_results = list(KeyResult.objects.filter(objective__workspace=world.workspace))
    stored = {o.pk: o for o in Objective.objects.filter(workspace=world.workspace)}

    def rule(objective) -> D | None:
        parts = [(kr.progress, kr.weight) for kr in key_results if kr.objective_id == objective.pk]
        parts += [(rule(child), child.weight) for child in stored.values() if child.parent_id == objective.pk]
        return objective_progress(parts)

    for kr in key_results:
        assert kr.rollup_progress == kr.progress
    for objective in stored.values():
        assert objective.progress == rule(objective), objective.title

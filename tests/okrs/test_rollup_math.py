"""Rollup maths: progress, expected progress, weighted means and health, as a PM would check them by hand."""

from datetime import date
from decimal import Decimal as D

import pytest

from okrs.models import Health, HealthPolicy, KeyResult, Objective
from okrs.models import KeyResultDirection as Direction
from okrs.periods import expected_progress, period_bounds
from okrs.progress import Thresholds, health_of, key_result_progress, objective_progress
from okrs.services.rollup import workspace_rollup, workspace_snapshot
from tests import factories as f

TODAY = date(2027, 2, 14)  # day 45 of the 90 days of 2027-Q1: exactly half way


def test_increase_progress_is_the_share_of_the_way_from_start_to_target():
    assert key_result_progress(start=D("20"), target=D("60"), current=D("30"), direction=Direction.INCREASE) == D(
        "0.25"
    )


def test_decrease_direction_counts_a_fall_as_progress():
    # churn 5 % → 3 %: at 4 % half of the way is done; a rise is no progress at all
    assert key_result_progress(start=D("5"), target=D("3"), current=D("4"), direction=Direction.DECREASE) == D("0.5")
    assert key_result_progress(start=D("5"), target=D("3"), current=D("6"), direction=Direction.DECREASE) == D("0")


def test_over_achievement_is_clamped_to_100_percent():
    assert key_result_progress(start=D("0"), target=D("100"), current=D("250"), direction=Direction.INCREASE) == D("1")
    assert key_result_progress(start=D("5"), target=D("3"), current=D("1"), direction=Direction.DECREASE) == D("1")


def test_start_equal_to_current_and_no_check_in_are_no_progress():
    assert key_result_progress(start=D("10"), target=D("20"), current=D("10"), direction=Direction.INCREASE) == D("0")
    assert key_result_progress(start=D("10"), target=D("20"), current=None, direction=Direction.INCREASE) == D("0")


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

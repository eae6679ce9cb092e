"""OKR writes: what each one refreshes at once, what it announces, and what it leaves to the rollup."""

import importlib
from decimal import Decimal as D

from django.apps import apps

from core.models import OutboxMessage
from okrs.models import KeyResult, Measurement
from okrs.services import objectives
from okrs.services.key_results import key_result_check_in, key_result_update
from okrs.services.rollup import workspace_rollup
from tests import factories as f


def _rollups_of(*writes) -> int:
    """How many rollups the writes record in the outbox."""
    rollups = OutboxMessage.objects.filter(task="okrs.tasks.okr_rollup")
    before = rollups.count()
    for write in writes:
        write()
    return rollups.count() - before


def test_pointing_a_key_result_at_a_kpi_moves_its_current_value_at_once(world):
    pm = world.users["product_manager"]
    kpi = f.KPIFactory(product=world.product)
    f.MeasurementFactory(kpi=kpi, value=D("12"))
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    key_result_check_in(key_result=key_result, value=D("30"), confidence=80, note="", actor=pm)

    assert _rollups_of(lambda: key_result_update(key_result=key_result, data={"kpi": kpi}, actor=pm)) == 1
    assert KeyResult.objects.get(pk=key_result.pk).current_value == D("12")  # at once, before the rollup runs

    key_result_update(key_result=key_result, data={"kpi": None}, actor=pm)
    assert KeyResult.objects.get(pk=key_result.pk).current_value == D("30")  # its own check-in again


def test_renaming_is_announced_and_only_a_change_of_figures_is_rolled_up(world, monkeypatch):
    heard = []
    monkeypatch.setattr(objectives, "publish", lambda **kwargs: heard.append((kwargs["event"], kwargs["data"])))
    objective = f.ObjectiveFactory(workspace=world.workspace, title="Grow")
    key_result = f.KeyResultFactory(objective=objective, title="Signups")
    pm = world.users["product_manager"]

    renames = (
        lambda: objectives.objective_update(objective=objective, data={"title": "Grow more"}, actor=pm),
        lambda: key_result_update(key_result=key_result, data={"title": "Sign-ups"}, actor=pm),
    )
    assert _rollups_of(*renames) == 0
    figures = (
        lambda: objectives.objective_update(objective=objective, data={"weight": D("2"), "title": "Grow"}, actor=pm),
        lambda: key_result_update(key_result=key_result, data={"target_value": D("50")}, actor=pm),
    )
    assert _rollups_of(*figures) == 2
    objectives.objective_update(objective=objective, data={"weight": D("2")}, actor=pm)  # no change: no news
    assert [(event, data["changed"]) for event, data in heard] == [
        ("objective.updated", ["title"]),
        ("objective.updated", ["title", "weight"]),
    ]


def test_a_typed_current_value_nothing_would_replace_becomes_a_check_in(world):
    migration = importlib.import_module("okrs.migrations.0006_key_result_typed_values_as_check_ins")
    objective = f.ObjectiveFactory(workspace=world.workspace)
    measured_kpi, silent_kpi = f.KPIFactory(product=world.product), f.KPIFactory(product=world.product)
    f.MeasurementFactory(kpi=measured_kpi, value=D("12"))
    typed = f.KeyResultFactory(objective=objective, current_value=D("40"))
    typed_on_silent_kpi = f.KeyResultFactory(objective=objective, current_value=D("7"), kpi=silent_kpi)
    checked_in = f.KeyResultFactory(objective=objective, current_value=D("99"))
    f.MeasurementFactory(kpi=None, key_result=checked_in, value=D("20"), confidence=60)
    on_measured_kpi = f.KeyResultFactory(objective=objective, current_value=D("99"), kpi=measured_kpi)

    migration.typed_values_to_check_ins(apps, None)
    workspace_rollup(workspace_id=world.workspace.pk)

    values = dict(KeyResult.objects.values_list("pk", "current_value"))
    assert [values[kr.pk] for kr in (typed, typed_on_silent_kpi, checked_in, on_measured_kpi)] == [
        D("40"),  # kept, as a check-in
        D("7"),
        D("20"),  # the rule already gave its check-in
        D("12"),  # and the KPI's measurement
    ]
    assert Measurement.objects.filter(key_result__in=[typed, typed_on_silent_kpi], note=migration.NOTE).count() == 2
    assert not Measurement.objects.filter(key_result__in=[checked_in, on_measured_kpi], note=migration.NOTE).exists()

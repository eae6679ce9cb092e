"""One progress rule whatever the path: the model property, the rollup a write schedules, the dashboard
and the API objects give the same number for the same data."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from okrs.models import KeyResult, KeyResultDirection, Objective
from okrs.progress import objective_progress
from okrs.services.key_results import key_result_check_in, key_result_create
from okrs.services.measurements import measurement_create, measurement_delete
from tests import factories as f

PERIOD = "2027-Q1"


def _paths(world, key_result) -> dict:
    """The progress of a key result and of its objective, and the key result's current value, as each path shows them.

    The dashboard shows percentages with one decimal; the data of these tests keeps within that.
    """
    kr = KeyResult.objects.get(pk=key_result.pk)
    objective = Objective.objects.get(pk=kr.objective_id)
    client = world.client("viewer")
    api_kr = client.get(f"/api/v1/key-results/{kr.pk}/").json()
    api_objective = client.get(f"/api/v1/objectives/{objective.pk}/").json()
    url = reverse("workspace_dashboard_api", kwargs={"workspace_id": world.workspace.pk})
    dashboard = client.get(url, {"period": PERIOD}).json()
    dash_objective = next(o for o in dashboard["objectives"] if o["id"] == objective.pk)
    dash_kr = next(k for k in dash_objective["key_results"] if k["id"] == kr.pk)
    siblings = KeyResult.objects.filter(objective=objective)
    return {
        "key result": {
            "model property": kr.progress,
            "rollup": kr.rollup_progress,
            "API": D(api_kr["progress"]),
            "dashboard": D(str(dash_kr["progress"])) / 100,
        },
        "objective": {
            "rule over the properties": objective_progress([(k.progress, k.weight) for k in siblings]),
            "rollup": objective.progress,
            "API": D(api_objective["progress"]),
            "dashboard": D(str(dash_objective["progress"])) / 100,
        },
        "current value": {
            "model": kr.current_value,
            "API": None if api_kr["current_value"] is None else D(api_kr["current_value"]),
            "dashboard": None if dash_kr["current"] is None else D(str(dash_kr["current"])),
        },
    }


def _same(paths: dict, *, progress: str, current: str | None) -> None:
    assert paths["key result"] == dict.fromkeys(paths["key result"], D(progress))
    assert paths["objective"] == dict.fromkeys(paths["objective"], D(progress))  # its only key result
    assert paths["current value"] == dict.fromkeys(paths["current value"], None if current is None else D(current))


@pytest.fixture
def write(django_capture_on_commit_callbacks):
    """Run a write as a request would: its rollup runs once the transaction commits."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def _key_result(world, write, **fields):
    objective = f.ObjectiveFactory(workspace=world.workspace, period=PERIOD)
    instance = KeyResult(objective=objective, title="Outcome", **fields)
    return write(key_result_create, instance=instance, actor=world.users["product_manager"])


def test_a_key_result_without_a_check_in_has_made_no_progress_on_every_path(world, write):
    key_result = _key_result(world, write, start_value=D("20"), target_value=D("60"))
    _same(_paths(world, key_result), progress="0", current=None)
    page = world.client("viewer").get(
        reverse("okrs:key_result_detail", kwargs={"workspace_id": world.workspace.pk, "pk": key_result.pk})
    )
    assert "<strong>0 %</strong> progress" in page.content.decode()


def test_a_key_result_tracking_a_kpi_follows_its_check_ins_until_the_kpi_is_measured(
    world, write, django_capture_on_commit_callbacks
):
    pm = world.users["product_manager"]
    kpi = f.KPIFactory(product=world.product, name="Activation")
    key_result = _key_result(world, write, start_value=D("0"), target_value=D("100"), kpi=kpi)
    _same(_paths(world, key_result), progress="0", current=None)

    def check_in(value: str) -> dict:
        """A check-in through the API: its answer is written before the rollup runs."""
        with django_capture_on_commit_callbacks(execute=True):
            response = world.client("product_manager").post(
                f"/api/v1/key-results/{key_result.pk}/check-in/",
                {"value": value, "confidence": 40, "note": "Hopeful"},
                content_type="application/json",
            )
        assert response.status_code == 201
        return {name: D(response.json()[name]) for name in ("current_value", "progress")}

    assert check_in("30") == {"current_value": D("30"), "progress": D("0.3")}  # no KPI measurement yet
    _same(_paths(world, key_result), progress="0.3", current="30")

    measurement = write(measurement_create, kpi=kpi, value=D("12"), measured_at=None, note="", actor=pm)
    _same(_paths(world, key_result), progress="0.12", current="12")  # the KPI from now on

    assert check_in("90") == {"current_value": D("12"), "progress": D("0.12")}  # the KPI still, at once
    _same(_paths(world, key_result), progress="0.12", current="12")
    assert KeyResult.objects.get(pk=key_result.pk).confidence == 40  # the check-in gives the confidence

    write(measurement_delete, measurement=measurement)
    _same(_paths(world, key_result), progress="0.9", current="90")  # without a KPI measurement: the check-in


def test_a_key_result_created_on_a_measured_kpi_starts_at_its_latest_measurement(world, write):
    kpi = f.KPIFactory(product=world.product)
    f.MeasurementFactory(kpi=kpi, value=D("45"))
    key_result = _key_result(world, write, start_value=D("40"), target_value=D("50"), kpi=kpi)
    _same(_paths(world, key_result), progress="0.5", current="45")


@pytest.mark.parametrize(
    ("direction", "start", "target", "steps"),
    [
        # churn 5 % → 3 %: at 4 % half of the way; a rise is no progress; below the target, done
        (KeyResultDirection.DECREASE, "5", "3", [("4", "0.5"), ("6", "0"), ("2.5", "1")]),
        # crash-free sessions between 99.5 % and 99.9 %: met inside the bounds only
        (KeyResultDirection.RANGE, "99.5", "99.9", [("99.7", "1"), ("100", "0"), ("99.5", "1"), ("99.2", "0")]),
        (KeyResultDirection.INCREASE, "20", "60", [("30", "0.25"), ("70", "1"), ("10", "0")]),
    ],
)
def test_every_direction_gives_the_same_progress_on_every_path(world, write, direction, start, target, steps):
    key_result = _key_result(world, write, direction=direction, start_value=D(start), target_value=D(target))
    for value, progress in steps:
        write(
            key_result_check_in,
            key_result=key_result,
            value=D(value),
            confidence=70,
            note="",
            actor=world.users["product_manager"],
        )
        _same(_paths(world, key_result), progress=progress, current=value)

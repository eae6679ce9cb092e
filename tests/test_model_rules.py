"""Validation lives in the model layer and reads like a person wrote it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backlog.models import BacklogItem, Sprint
from okrs.models import KeyResult, Measurement, Objective
from products.models import BusinessCase, Product
from roadmap.models import Initiative
from workspaces.graph import graph_check

from . import factories as f


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


@pytest.mark.parametrize("impact", ["3", "2", "1", "0.5", "0.25"])
def test_impact_accepts_the_rice_scale(db, impact):
    item = f.BacklogItemFactory(impact=Decimal(impact))
    item.full_clean()


@pytest.mark.parametrize("impact", ["4", "1.5", "0.1", "0"])
def test_impact_refuses_values_off_the_scale(db, impact):
    item = f.BacklogItemFactory.build(product=f.ProductFactory(), impact=Decimal(impact), number=1, rank=1)
    assert "impact" in errors_of(item)


@pytest.mark.parametrize("confidence,ok", [(0, True), (100, True), (50, True), (101, False)])
def test_confidence_is_a_percentage(db, confidence, ok):
    item = f.BacklogItemFactory.build(product=f.ProductFactory(), confidence=confidence, number=1, rank=1)
    if ok:
        item.full_clean()
    else:
        assert "confidence" in errors_of(item)


def test_effort_and_job_size_must_be_positive(db):
    item = f.BacklogItemFactory.build(product=f.ProductFactory(), effort=Decimal("0"), job_size=0, number=1, rank=1)
    errors = errors_of(item)
    assert "effort" in errors and "job_size" in errors


def test_end_dates_are_not_before_start(db):
    product = f.ProductFactory()
    initiative = Initiative(product=product, title="X", start_date=date(2027, 3, 1), end_date=date(2027, 2, 1))
    assert errors_of(initiative)["end_date"] == ["The end date cannot be before the start date."]
    sprint = Sprint(product=product, name="S", start_date=date(2027, 3, 1), end_date=date(2027, 2, 27))
    assert "end_date" in errors_of(sprint)


def test_a_key_result_target_differs_from_its_start_and_follows_its_direction(db):
    objective = f.ObjectiveFactory()
    same = KeyResult(objective=objective, title="Flat", start_value=5, target_value=5)
    assert errors_of(same)["target_value"] == ["The target must differ from the start value."]
    wrong_way = KeyResult(objective=objective, title="Down", direction="decrease", start_value=5, target_value=9)
    assert "target_value" in errors_of(wrong_way)


def test_a_parent_item_belongs_to_the_same_product(db):
    parent = f.BacklogItemFactory()
    child = f.BacklogItemFactory(product=f.ProductFactory(workspace=parent.product.workspace))
    child.parent = parent
    assert errors_of(child)["parent"] == ["The parent item belongs to another product."]


def test_an_item_cannot_be_its_own_ancestor(db):
    product = f.ProductFactory()
    epic = f.BacklogItemFactory(product=product, kind="epic")
    feature = f.BacklogItemFactory(product=product, kind="feature", parent=epic)
    story = f.BacklogItemFactory(product=product, parent=feature)
    epic.parent = story
    assert errors_of(epic)["parent"] == ["An item cannot be its own ancestor."]
    epic.parent = epic
    assert "parent" in errors_of(epic)


def test_links_stay_inside_the_product(db):
    item = f.BacklogItemFactory()
    elsewhere = f.ProductFactory(workspace=item.product.workspace)
    item.initiative = f.InitiativeFactory(product=elsewhere)
    item.sprint = f.SprintFactory(product=elsewhere)
    item.release = f.ReleaseFactory(product=elsewhere)
    assert {"initiative", "sprint", "release"} <= set(errors_of(item))
    initiative = f.InitiativeFactory()
    initiative.theme = f.ThemeFactory(product=elsewhere)
    assert "theme" in errors_of(initiative)


def test_an_objective_cannot_support_its_own_descendant(db):
    top = f.ObjectiveFactory()
    middle = f.ObjectiveFactory(workspace=top.workspace, parent=top)
    top.parent = middle
    assert "parent" in errors_of(top)
    other = Objective(workspace=f.WorkspaceFactory(), title="X", period="2027-Q1", parent=top)
    with pytest.raises(ValidationError) as raised:
        graph_check(instance=other)
    assert raised.value.message_dict["parent"] == [f"Objective #{top.pk} belongs to another workspace."]


def test_period_format(db):
    objective = Objective(workspace=f.WorkspaceFactory(), title="X", period="Q1 2027")
    assert "period" in errors_of(objective)
    for ok in ("2027", "2027-H2", "2027-Q4"):
        Objective(workspace=objective.workspace, title="X", period=ok).full_clean()


def test_product_key_format_and_uniqueness(db):
    product = f.ProductFactory(key="PAY")
    assert "key" in errors_of(Product(workspace=product.workspace, name="Other", key="pay"))
    duplicate = errors_of(Product(workspace=product.workspace, name="Other", key="PAY"))
    assert duplicate["__all__"] == ["Another product in this workspace already uses this key."]
    Product(workspace=f.WorkspaceFactory(), name="Other", key="PAY").full_clean()  # another workspace may


def test_roi_is_derived_from_benefit_and_cost(db):
    case = BusinessCase(expected_annual_benefit=Decimal("300000"), expected_annual_cost=Decimal("100000"))
    assert case.roi == Decimal("2") and case.roi_percent == Decimal("200.0")
    assert BusinessCase(expected_annual_benefit=Decimal("5"), expected_annual_cost=Decimal("0")).roi is None


def test_a_measurement_belongs_to_exactly_one_kpi_or_key_result(db):
    kpi = f.KPIFactory()
    key_result = f.KeyResultFactory()
    assert errors_of(Measurement(kpi=kpi, key_result=key_result, value=1))
    assert errors_of(Measurement(value=1))


def test_key_result_progress_respects_direction_and_clamps(db):
    up = KeyResult(start_value=Decimal(10), target_value=Decimal(20), current_value=Decimal(15))
    down = KeyResult(direction="decrease", start_value=Decimal(5), target_value=Decimal(3), current_value=Decimal(4))
    over = KeyResult(start_value=Decimal(0), target_value=Decimal(10), current_value=Decimal(25))
    behind = KeyResult(start_value=Decimal(0), target_value=Decimal(10), current_value=Decimal(-3))
    unknown = KeyResult(start_value=Decimal(0), target_value=Decimal(10))
    assert [kr.progress_percent for kr in (up, down, over, behind, unknown)] == [50, 50, 100, 0, 0]  # unknown: none yet


def test_rice_and_wsjf_worked_examples():
    item = BacklogItem(reach=2000, impact=Decimal("2"), confidence=80, effort=Decimal("4"))
    assert item.computed_rice_score == Decimal("800.00")
    item = BacklogItem(business_value=8, time_criticality=5, risk_reduction=3, job_size=5)
    assert item.computed_wsjf_score == Decimal("3.20")
    assert BacklogItem(reach=10, impact=Decimal("1"), confidence=None, effort=Decimal("1")).computed_rice_score is None

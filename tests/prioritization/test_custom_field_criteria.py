"""Custom fields as scorecard criteria: a number or a single select of the items, of the same product
or its whole workspace; every re-score reads the items' current values."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backlog.services import items as item_services
from customfields.models import FieldDefinition
from prioritization import services
from prioritization.models import CustomScore, ScorecardCriterion
from prioritization.services.derived import custom_field_number
from tests import factories as f


def field(workspace, key, field_type="number", product=None, options=None, target="item"):
    return FieldDefinition.objects.create(
        workspace=workspace,
        product=product,
        name=key.title(),
        key=key,
        field_type=field_type,
        options=options or [],
        target=target,
    )


def scores(product) -> dict[str, D]:
    return dict(CustomScore.objects.filter(product=product).values_list("item__title", "score"))


def create_page(world, data):
    return world.client("product_manager").post(
        reverse("prioritization:criterion_create", kwargs={"product_id": world.product.pk}), data
    )


def test_a_number_field_criterion_scores_each_item_by_its_value(world, run):
    arr = field(world.workspace, "arr")  # workspace-wide
    response = create_page(
        world, {"name": "ARR", "weight": "2", "order": "1", "source": "custom_field", "field": arr.pk}
    )
    assert response.status_code == 302
    f.BacklogItemFactory(product=world.product, title="Big deal", effort=D("4"), custom_fields={"arr": 300})
    f.BacklogItemFactory(product=world.product, title="Small", effort=D("1"), custom_fields={"arr": "12.5"})
    f.BacklogItemFactory(product=world.product, title="Unknown", effort=D("1"), custom_fields={})

    run(world.product)

    # 2 × 300 ÷ 4 = 150; 2 × 12.5 ÷ 1 = 25; no value: unscored, never 0
    assert scores(world.product) == {"Big deal": D("150.00"), "Small": D("25.00")}


def test_a_single_select_criterion_reads_the_options_number_or_position(world, run):
    size = field(world.workspace, "size", "single_select", product=world.product, options=["1", "3", "8"])
    tier = field(world.workspace, "tier", "single_select", options=["Bronze", "Silver", "Gold"])
    for criterion_field in (size, tier):
        services.criterion_create(
            instance=ScorecardCriterion(
                product=world.product, name=criterion_field.name, source="custom_field", field=criterion_field
            ),
            actor=None,
        )
    f.BacklogItemFactory(product=world.product, title="A", effort=D("1"), custom_fields={"size": "8", "tier": "Gold"})
    f.BacklogItemFactory(product=world.product, title="B", effort=D("2"), custom_fields={"size": "1", "tier": "Bronze"})

    run(world.product)

    assert scores(world.product) == {"A": D("11.00"), "B": D("1.00")}  # (8 + 3) ÷ 1; (1 + 1) ÷ 2


def test_changing_an_items_custom_field_re_scores_it(world, django_capture_on_commit_callbacks):
    arr = field(world.workspace, "arr", product=world.product)
    services.criterion_create(
        instance=ScorecardCriterion(product=world.product, name="ARR", source="custom_field", field=arr), actor=None
    )
    item = f.BacklogItemFactory(product=world.product, title="Deal", effort=D("2"), custom_fields={"arr": 10})
    with django_capture_on_commit_callbacks(execute=True):
        item_services.item_update(item=item, data={"custom_fields": {"arr": 90}}, actor=None)
    assert scores(world.product) == {"Deal": D("45.00")}
    with django_capture_on_commit_callbacks(execute=True):
        item_services.item_update(item=item, data={"custom_fields": {}}, actor=None)
    assert scores(world.product) == {}


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda w: field(w.workspace, "notes", "text"), "number or a single select"),
        (lambda w: field(w.workspace, "regions", "multi_select", options=["EU"]), "number or a single select"),
        (lambda w: field(w.workspace, "budget", "number", target="initiative"), "number or a single select"),
        (lambda w: field(w.workspace, "arr", product=f.ProductFactory(workspace=w.workspace)), "this product"),
        (lambda w: field(w.other_workspace, "arr"), "another workspace"),
    ],
)
def test_only_a_number_or_single_select_item_field_of_this_product_or_workspace_is_a_criterion(world, make, message):
    wrong = make(world)
    with pytest.raises(ValidationError, match=message):
        services.criterion_create(
            instance=ScorecardCriterion(product=world.product, name="X", source="custom_field", field=wrong), actor=None
        )
    response = create_page(
        world, {"name": "X", "weight": "1", "order": "1", "source": "custom_field", "field": wrong.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["field"]  # a form error, not a 500
    assert not ScorecardCriterion.objects.exists()


def test_a_custom_field_criterion_needs_its_field_and_others_take_none(world):
    arr = field(world.workspace, "arr")
    missing = create_page(world, {"name": "X", "weight": "1", "order": "1", "source": "custom_field"})
    stray = create_page(world, {"name": "Y", "weight": "1", "order": "1", "source": "manual", "field": arr.pk})
    assert missing.status_code == 200 and missing.context["form"].errors["field"]
    assert stray.status_code == 200 and stray.context["form"].errors["field"]
    assert not ScorecardCriterion.objects.exists()


def test_values_of_a_custom_field_criterion_are_not_typed_in(world):
    arr = field(world.workspace, "arr")
    criterion = services.criterion_create(
        instance=ScorecardCriterion(product=world.product, name="ARR", source="custom_field", field=arr), actor=None
    )
    item = f.BacklogItemFactory(product=world.product)
    with pytest.raises(ValidationError):
        services.criterion_values_set(item=item, values={criterion.pk: D("5")}, actor=None)


@pytest.mark.parametrize(
    "field_type, options, raw, expected",
    [
        ("number", [], 42, D("42.00")),
        ("number", [], "0.125", D("0.12")),
        ("number", [], -3, None),
        ("number", [], "abc", None),
        ("number", [], 10**12, None),
        ("number", [], True, None),
        ("number", [], None, None),
        ("single_select", ["Low", "High"], "High", D("2.00")),
        ("single_select", ["5", "13"], "13", D("13.00")),
        ("single_select", ["Low"], "Gone", None),
    ],
)
def test_a_custom_field_value_as_a_criterion_value(field_type, options, raw, expected):
    assert custom_field_number(field_type=field_type, options=options, raw=raw) == expected

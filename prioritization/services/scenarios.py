"""What-if scenarios: changed weights and item inputs, kept apart from live data until applied."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backlog.models import BacklogItem
from backlog.services.items import item_update, items_lock, products_lock
from core.services import instance_create, instance_update
from jobs.models import Job
from products.models import Product

from .. import scoring
from ..models import (
    Scenario,
    ScenarioStatus,
    ScorecardCriterion,
)
from ..selectors import SCENARIO_INPUTS
from .runs import product_reprioritise_start


def _clean_weights(product: Product, weights: dict) -> dict[str, str]:
    known = set(ScorecardCriterion.objects.filter(product=product).values_list("pk", flat=True))
    cleaned = {}
    for key, value in weights.items():
        try:
            criterion_id, weight = int(key), Decimal(str(value))
        except (TypeError, ValueError, ArithmeticError):
            raise ValidationError({"weights": f"“{value}” is not a weight."}) from None
        if criterion_id not in known:
            raise ValidationError({"weights": "Pick criteria of this product's scorecard."})
        if not weight.is_finite() or weight <= 0 or weight >= 10_000:
            raise ValidationError({"weights": "A weight is a positive number below 10,000."})
        cleaned[str(criterion_id)] = str(weight.quantize(scoring.CENT))
    return cleaned


def _clean_item_inputs(product: Product, item_inputs: dict) -> dict[str, dict]:
    try:
        ids = {int(k) for k in item_inputs}
    except (TypeError, ValueError):
        raise ValidationError({"item_inputs": "Items are given by their id."}) from None
    items = {i.pk: i for i in BacklogItem.objects.filter(product=product, pk__in=ids)}
    if set(items) != ids:
        raise ValidationError({"item_inputs": "Some items are not in this product's backlog."})
    cleaned: dict[str, dict] = {}
    for key, changes in item_inputs.items():
        if not isinstance(changes, dict) or not changes or set(changes) - set(SCENARIO_INPUTS):
            raise ValidationError({"item_inputs": f"Change only these inputs: {', '.join(SCENARIO_INPUTS)}."})
        item = items[int(key)]
        for name, value in changes.items():
            field = BacklogItem._meta.get_field(name)
            try:
                setattr(item, name, None if value in (None, "") else field.to_python(value))
            except ValidationError as error:
                raise ValidationError({"item_inputs": f"{name}: {' '.join(error.messages)}"}) from None
        try:
            item.clean_fields(exclude=[f.name for f in BacklogItem._meta.fields if f.name not in changes])
            item.clean()
        except ValidationError as error:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise ValidationError({"item_inputs": f"{item.key}: {messages}"}) from None
        cleaned[str(item.pk)] = {
            name: (None if getattr(item, name) is None else str(getattr(item, name))) for name in changes
        }
    return cleaned


@transaction.atomic
def scenario_create(*, product: Product, name: str, framework: str, actor, weights=None, item_inputs=None):
    scenario = Scenario(
        product=product,
        name=name,
        framework=framework,
        weights=_clean_weights(product, weights or {}),
        item_inputs=_clean_item_inputs(product, item_inputs or {}),
    )
    return instance_create(instance=scenario, actor=actor)


def _require_open(scenario) -> None:
    if scenario.status != ScenarioStatus.OPEN:
        raise ValidationError({"status": f"This scenario is {scenario.get_status_display().lower()}; open a new one."})


@transaction.atomic
def scenario_update(*, scenario, data: dict, actor):
    """Change a scenario's name, framework, weights or item inputs; live data is untouched."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    _require_open(scenario)
    data = dict(data)
    if "weights" in data:
        data["weights"] = _clean_weights(scenario.product, data["weights"])
    if "item_inputs" in data:
        data["item_inputs"] = _clean_item_inputs(scenario.product, data["item_inputs"])
    return instance_update(instance=scenario, data=data)[0]


@transaction.atomic
def scenario_item_input_set(*, scenario: Scenario, item_id: int, changes: dict, actor) -> Scenario:
    """Change inputs of one item in an open scenario, keeping its other changed inputs.

    `changes` maps inputs (reach, effort, …) to values; None or "" makes an input missing in the
    scenario. Live data is untouched until the scenario is applied.
    """
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    _require_open(scenario)
    inputs = {key: dict(values) for key, values in scenario.item_inputs.items()}
    inputs[str(item_id)] = {**inputs.get(str(item_id), {}), **changes}
    return scenario_update(scenario=scenario, data={"item_inputs": inputs}, actor=actor)


@transaction.atomic
def scenario_item_input_remove(*, scenario: Scenario, item_id: int, actor) -> Scenario:
    """Drop every changed input of one item from an open scenario (a no-op when it has none)."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    _require_open(scenario)
    if str(item_id) not in scenario.item_inputs:
        return scenario
    inputs = {key: values for key, values in scenario.item_inputs.items() if key != str(item_id)}
    return scenario_update(scenario=scenario, data={"item_inputs": inputs}, actor=actor)


@transaction.atomic
def scenario_apply(*, scenario, actor) -> Job:
    """Write the scenario's inputs and weights to live data, then re-score the product."""

    scenario = Scenario.objects.select_for_update().select_related("product__workspace").get(pk=scenario.pk)
    _require_open(scenario)
    product = scenario.product
    weights = _clean_weights(product, scenario.weights)  # criteria may have gone since
    inputs = _clean_item_inputs(product, scenario.item_inputs)
    for criterion in ScorecardCriterion.objects.filter(product=product, pk__in=[int(k) for k in weights]):
        instance_update(instance=criterion, data={"weight": Decimal(weights[str(criterion.pk)])})
    # The backlog's lock order: the product row, then its items in ascending id (backlog.services.items).
    products_lock([product.pk])
    locked = items_lock([int(k) for k in inputs], product_id=product.pk)
    for item in (locked[item_id] for item_id in sorted(locked)):
        data = {}
        for name, value in inputs[str(item.pk)].items():
            data[name] = None if value is None else BacklogItem._meta.get_field(name).to_python(value)
        item_update(item=item, data=data, actor=actor)
    scenario.status, scenario.applied_at = ScenarioStatus.APPLIED, timezone.now()
    scenario.version += 1
    scenario.save(update_fields=["status", "applied_at", "updated_at", "version"])
    return product_reprioritise_start(product=product, actor=actor)


@transaction.atomic
def scenario_discard(*, scenario, actor) -> None:
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    _require_open(scenario)
    instance_update(instance=scenario, data={"status": ScenarioStatus.DISCARDED})

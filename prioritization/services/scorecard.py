"""Custom scorecards: criteria, an item's values and its stored score."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from backlog.models import BacklogItem
from core import outbox
from core.services import instance_create, instance_update

from .. import scoring
from ..models import CriterionSource, CriterionValue, ScorecardCriterion
from .derived import derived_values_sync
from .runs import product_reprioritise_start


def criteria_for(*, product_id: int) -> list[scoring.Criterion]:
    return [
        scoring.Criterion(c["id"], c["name"], c["weight"])
        for c in ScorecardCriterion.objects.filter(product_id=product_id).values("id", "name", "weight")
    ]


@transaction.atomic
def criterion_values_set(*, item: BacklogItem, values: dict[int, Decimal | None], actor) -> None:
    """Set an item's values on its product's criteria (None clears one); re-scores the item after commit."""
    criteria = dict(ScorecardCriterion.objects.filter(product_id=item.product_id).values_list("id", "source"))
    unknown = [cid for cid in values if cid not in criteria]
    if unknown:
        raise ValidationError({"criterion": "Pick criteria of this product's scorecard."})
    derived = [cid for cid in values if criteria[cid] != CriterionSource.MANUAL]
    if derived:
        raise ValidationError(
            {"criterion": "A customer impact or custom field criterion takes its values from the items' own data."}
        )
    for criterion_id, value in values.items():
        if value is None:
            CriterionValue.objects.filter(item=item, criterion_id=criterion_id).delete()
            continue
        row = CriterionValue(item=item, criterion_id=criterion_id, value=value)
        row.full_clean(exclude=["item", "criterion"], validate_unique=False, validate_constraints=False)
        CriterionValue.objects.update_or_create(item=item, criterion_id=criterion_id, defaults={"value": value})
    outbox.enqueue("prioritization.tasks.item_custom_score_recompute", item_id=item.pk)


@transaction.atomic
def criterion_create(*, instance: ScorecardCriterion, actor) -> ScorecardCriterion:
    criterion = instance_create(instance=instance, actor=actor)
    derived_values_sync(product_id=criterion.product_id)
    product_reprioritise_start(product=criterion.product, actor=actor)
    return criterion


@transaction.atomic
def criterion_update(*, criterion: ScorecardCriterion, data: dict, actor) -> ScorecardCriterion:
    criterion, changed = instance_update(instance=criterion, data=data)
    if "source" in changed or "field" in changed:
        derived_values_sync(product_id=criterion.product_id)
    if changed:
        product_reprioritise_start(product=criterion.product, actor=actor)
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: ScorecardCriterion, actor) -> None:
    product = criterion.product
    criterion.delete()
    product_reprioritise_start(product=product, actor=actor)

"""Criterion values that are not typed in: they follow from each item's own data.

- a customer impact criterion takes each item's stored customer impact (kept by discovery);
- a custom field criterion takes each item's value of a number or single select custom field: the
  number itself, or for a select the option's number ("3") or else its position (1 for the first).
  An item without a usable value (empty, not a number, negative, too large) has no value on the
  criterion, so the scorecard leaves it unscored rather than counting it as 0.

Synced before every re-score (one item's, or a full run's), so rescoring reads the current values.
"""

from decimal import Decimal, InvalidOperation

from backlog.models import BacklogItem

from ..models import CriterionSource, CriterionValue, ScorecardCriterion

VALUE_MAX = Decimal("99999999.99")  # CriterionValue.value: 10 digits, 2 decimals
CENT = Decimal("0.01")


def custom_field_number(*, field_type: str, options: list, raw) -> Decimal | None:
    """The criterion value of one item's custom field value (None: no usable value)."""
    if raw is None or raw == "" or isinstance(raw, bool | list | dict):
        return None
    if field_type == "single_select":
        if raw not in options:
            return None
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            number = Decimal(options.index(raw) + 1)
    else:
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return None
    if not number.is_finite() or number < 0 or number > VALUE_MAX:
        return None
    return number.quantize(CENT)


def _write(criterion_id: int, values: dict[int, Decimal | None]) -> None:
    rows = [CriterionValue(criterion_id=criterion_id, item_id=i, value=v) for i, v in values.items() if v is not None]
    CriterionValue.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True, unique_fields=["criterion", "item"], update_fields=["value"]
    )
    missing = [i for i, v in values.items() if v is None]
    if missing:
        CriterionValue.objects.filter(criterion_id=criterion_id, item_id__in=missing).delete()


def derived_values_sync(*, product_id: int, item_ids=None) -> None:
    """Write the values of the product's derived criteria from the items' own data."""
    derived = list(
        ScorecardCriterion.objects.filter(product_id=product_id)
        .exclude(source=CriterionSource.MANUAL)
        .select_related("field")
        .only("id", "source", "field__key", "field__field_type", "field__options")
    )
    if not derived:
        return
    items = BacklogItem.objects.filter(product_id=product_id)
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    rows = list(items.values_list("id", "customer_impact", "custom_fields"))
    for criterion in derived:
        if criterion.source == CriterionSource.CUSTOMER_IMPACT:
            _write(criterion.pk, {i: impact for i, impact, _ in rows})
        elif criterion.field is not None:
            field = criterion.field
            _write(
                criterion.pk,
                {
                    i: custom_field_number(
                        field_type=field.field_type, options=field.options, raw=(custom or {}).get(field.key)
                    )
                    for i, _, custom in rows
                },
            )

"""The one check of custom field values, run by the item and initiative services on every path
(pages, API, bulk saves, imports): known keys only, each value of its definition's type."""

import datetime
import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from core.bounds import DATE_MAX, DATE_MIN, TEXT_SHORT
from workspaces.models import Membership

from .models import FieldType
from .selectors import field_definitions_for

URL_LENGTH_MAX = 500
NUMBER_ABS_MAX = Decimal("1e15")


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError
    number = Decimal(str(value).strip())
    if not number.is_finite() or abs(number) >= NUMBER_ABS_MAX:
        raise ValueError
    as_float = float(number)
    if math.isnan(as_float):
        raise ValueError
    return int(number) if number == number.to_integral_value() else as_float


def custom_value(definition, value, *, workspace_id: int):
    """`value` as stored for `definition`, or ValueError with a message a person can act on."""
    kind = definition.field_type
    if kind == FieldType.TEXT:
        if not isinstance(value, str) or len(value) > TEXT_SHORT:
            raise ValueError(f"Text of at most {TEXT_SHORT} characters.")
        return value.strip()
    if kind == FieldType.NUMBER:
        try:
            return _number(value)
        except (ValueError, InvalidOperation, ArithmeticError):
            raise ValueError("A number (below 10^15).") from None
    if kind == FieldType.SINGLE_SELECT:
        if value not in definition.options:
            raise ValueError(f"One of: {', '.join(definition.options)}.")
        return value
    if kind == FieldType.MULTI_SELECT:
        if not isinstance(value, list) or any(not isinstance(v, str) or v not in definition.options for v in value):
            raise ValueError(f"A list of some of: {', '.join(definition.options)}.")
        return [o for o in definition.options if o in value]  # in the definition's order, each once
    if kind == FieldType.DATE:
        try:
            day = datetime.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None or not DATE_MIN <= day <= DATE_MAX:
            raise ValueError(f"A date (YYYY-MM-DD) between {DATE_MIN} and {DATE_MAX}.")
        return day.isoformat()
    if kind == FieldType.USER:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | str)
            or not str(value).isdigit()
            or len(str(value)) > 18
        ):
            raise ValueError("The id of a member of the workspace.")
        if not Membership.objects.filter(workspace_id=workspace_id, user_id=int(value)).exists():
            raise ValueError("The id of a member of the workspace.")
        return int(value)
    if kind == FieldType.URL:
        if not isinstance(value, str) or len(value) > URL_LENGTH_MAX:
            raise ValueError(f"A web address of at most {URL_LENGTH_MAX} characters.")
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValueError("A web address starting with http:// or https://.") from None
        return value
    raise ValueError("Unknown field type.")


def custom_values_clean(*, values, product, target: str, definitions=None) -> dict:
    """The stored form of `values` ({key: value}) for `product`'s `target` (item or initiative).

    Unset values (None, "", []) are dropped; an unknown key or a value of the wrong type is a
    ValidationError on `custom_fields`, naming the field.
    """
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        raise ValidationError({"custom_fields": "An object of custom field keys and their values."})
    if not values:
        return {}
    known = {
        d.key: d
        for d in (definitions if definitions is not None else field_definitions_for(product=product, target=target))
    }
    unknown = sorted(str(k)[:40] for k in values if k not in known)
    if unknown:
        raise ValidationError({"custom_fields": f"Unknown custom fields: {', '.join(unknown)}."})
    cleaned, problems = {}, []
    for key, value in values.items():
        if value is None or value == "" or value == []:
            continue
        try:
            cleaned[key] = custom_value(known[key], value, workspace_id=product.workspace_id)
        except ValueError as error:
            problems.append(f"{known[key].name}: {error}")
    if problems:
        raise ValidationError({"custom_fields": problems})
    return cleaned

"""Ids in the API's query strings: digits only, so "1.5" or "1e5" is a 400 (or a 404) with a message, not a guess."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field

ID_DIGITS_MAX = 18  # every id of up to 18 digits fits PostgreSQL's bigint


def parse_id(value) -> int | None:
    """A positive whole number written in digits ("42"), or None ("1.5", "0.0", "1e5", "abc", 20 digits)."""
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) <= ID_DIGITS_MAX:
        return int(text)
    return None


class IdField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError("Enter an id: a whole number like 42.", code="invalid")
        return number


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 10**ID_DIGITS_MAX - 1})
class IdFilter(django_filters.Filter):
    """?name=<id>: digits only, so "1.5" or "1e5" is a 400 with a message, not a guess or a 500."""

    field_class = IdField

"""Bounds on what people store: the size of free text and the window of dates.

Declared once here and on the model fields, so that every path agrees: the model's full_clean
(which every service runs), the page forms (built from the model fields) and the API (its
serializers take `max_length` and validators from the model fields, and the OpenAPI schema states
`maxLength`), all with one message.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

# Free text, in characters.
TEXT_SHORT = 2_000  # a line of a story, a goal, a reason, one acceptance criterion
TEXT_LONG = 20_000  # a description, a problem statement, evidence

# Dates of plans (roadmap, releases, sprints, decisions): anything outside is a typo.
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2100, 12, 31)
DATE_WINDOW_MESSAGE = f"Pick a date between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}."
END_BEFORE_START = "The end date cannot be before the start date."
DATE_WINDOW_ATTRS = {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}  # for date inputs


@deconstructible
class AtMostCharacters(MaxLengthValidator):
    """Django's max-length check, with the message the API gives too."""

    message = "At most %(limit_value)d characters."


def at_most_characters(limit: int) -> str:
    """The message of a text over its cap (the API's serializers format it the same way)."""
    return AtMostCharacters.message % {"limit_value": limit}


def validate_date_in_window(value: date) -> None:
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(DATE_WINDOW_MESSAGE, code="date_window")


class BoundedTextField(models.TextField):
    """Free text with a cap (TEXT_LONG unless given): checked by full_clean, stated to forms and the API.

    A plain TextField's max_length only sizes the form's textarea; this one also validates it,
    and the page form answers with the same message as the model and the API.
    """

    def __init__(self, *args, max_length: int = TEXT_LONG, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, AtMostCharacters(self.max_length)]

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        if isinstance(field, forms.CharField):
            field.validators = [
                AtMostCharacters(self.max_length) if isinstance(v, MaxLengthValidator) else v for v in field.validators
            ]
        return field

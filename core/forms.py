"""Form helpers that know nothing of workspaces: model errors onto forms, date inputs."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a model ValidationError to a form, keeping messages for fields the form lacks."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for e in errors:
            form.add_error(target, e if target or field == NON_FIELD_ERRORS else f"{field}: {e.messages[0]}")


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value

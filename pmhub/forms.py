"""Form helpers: every choice a form offers is limited to the user's workspace."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def scope_queryset(queryset, access):
    """Limit a related-object queryset to what the access's workspace (and product) holds."""
    model = queryset.model
    field_names = {f.name for f in model._meta.get_fields()}
    if model is get_user_model():
        return queryset.filter(memberships__workspace=access.workspace).order_by("username")
    if "product" in field_names and access.product is not None and model._meta.model_name != "objective":
        return queryset.filter(product=access.product)
    if "workspace" in field_names:
        return queryset.filter(workspace=access.workspace)
    if "product" in field_names:
        return queryset.filter(product__workspace=access.workspace)
    if "objective" in field_names:
        return queryset.filter(objective__workspace=access.workspace).select_related("objective")
    raise ValueError(f"No workspace scope known for {model.__name__}")


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose relation choices are scoped to `access` (and never another workspace's)."""

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scope_queryset(field.queryset, access)


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

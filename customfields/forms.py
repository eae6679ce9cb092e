from django import forms

from workspaces.forms import ScopedModelForm

from .models import OPTIONS_MAX, FieldDefinition, FieldType


class FieldDefinitionForm(ScopedModelForm):
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=f"For a select: its choices, one per line (at most {OPTIONS_MAX}).",
    )

    class Meta:
        model = FieldDefinition
        fields = ["name", "key", "target", "field_type", "product", "options", "help_text", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("key", "target", "field_type"):
                self.fields[name].disabled = True
            self.initial["options"] = "\n".join(self.instance.options or [])

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class CustomValuesFormMixin:
    """Adds a form field per custom field definition (`cf_<key>`) to an item or initiative form and
    gathers their values into `custom_fields`; the service checks them against the definitions."""

    custom_definitions: list = []

    def add_custom_fields(self, definitions, users=None) -> None:
        self.custom_definitions = list(definitions)
        stored = getattr(self.instance, "custom_fields", None) or {}
        for d in self.custom_definitions:
            name = f"cf_{d.key}"
            common = {"label": d.name, "required": False, "help_text": d.help_text}
            if d.field_type == FieldType.NUMBER:
                field = forms.DecimalField(max_digits=20, decimal_places=6, **common)
            elif d.field_type == FieldType.SINGLE_SELECT:
                field = forms.ChoiceField(choices=[("", "—"), *[(o, o) for o in d.options]], **common)
            elif d.field_type == FieldType.MULTI_SELECT:
                field = forms.MultipleChoiceField(
                    choices=[(o, o) for o in d.options], widget=forms.CheckboxSelectMultiple, **common
                )
            elif d.field_type == FieldType.DATE:
                field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
            elif d.field_type == FieldType.USER:
                choices = [("", "—"), *[(str(u.pk), u.get_username()) for u in (users or [])]]
                field = forms.ChoiceField(choices=choices, **common)
            elif d.field_type == FieldType.URL:
                field = forms.URLField(max_length=500, assume_scheme="https", **common)
            else:
                field = forms.CharField(max_length=2000, **common)
            self.fields[name] = field
            if d.key in stored:
                self.initial[name] = stored[d.key] if d.field_type != FieldType.USER else str(stored[d.key])

    def custom_values(self) -> dict:
        values = {}
        for d in self.custom_definitions:
            value = self.cleaned_data.get(f"cf_{d.key}")
            if value in (None, "", []):
                continue
            if d.field_type == FieldType.NUMBER:
                value = str(value)
            elif d.field_type == FieldType.DATE:
                value = value.isoformat()
            values[d.key] = value
        return values

    def custom_bound_fields(self):
        return [self[f"cf_{d.key}"] for d in self.custom_definitions]

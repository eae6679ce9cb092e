from django import forms

from core.bounds import DATE_WINDOW_ATTRS
from core.forms import DateInput
from customfields.forms import CustomValuesFormMixin
from customfields.selectors import field_definitions_for
from workspaces.forms import ScopedModelForm
from workspaces.selectors import users_of_workspace

from .models import Initiative, Release, Theme


class ThemeForm(ScopedModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description", "color", "order"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}


class ReleaseForm(ScopedModelForm):
    class Meta:
        model = Release
        fields = ["name", "goal", "target_date", "status"]
        widgets = {"target_date": DateInput(attrs=DATE_WINDOW_ATTRS)}


class InitiativeForm(CustomValuesFormMixin, ScopedModelForm):
    class Meta:
        model = Initiative
        fields = [
            "title",
            "description",
            "theme",
            "horizon",
            "status",
            "start_date",
            "end_date",
            "release",
            "key_results",
            "kpis",
            "depends_on",
        ]
        widgets = {
            "start_date": DateInput(attrs=DATE_WINDOW_ATTRS),
            "end_date": DateInput(attrs=DATE_WINDOW_ATTRS),
            "key_results": forms.SelectMultiple(attrs={"size": 6}),
            "kpis": forms.SelectMultiple(attrs={"size": 4}),
            "depends_on": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.access.product is not None:
            definitions = field_definitions_for(product=self.access.product, target="initiative")
            self.add_custom_fields(definitions, users=users_of_workspace(workspace_id=self.access.workspace.pk))
        self.group_key_results()
        if self.instance.pk:
            self.fields["depends_on"].queryset = self.fields["depends_on"].queryset.exclude(pk=self.instance.pk)

    def group_key_results(self) -> None:
        """The key results under "Product · Objective (period)": two like titles are told apart, this
        product's goals first. Validation still goes through the field's (scoped) queryset."""
        field = self.fields["key_results"]
        product = self.access.product
        rows = field.queryset.select_related("objective__product").order_by("objective__title", "title")
        groups: dict[tuple, list] = {}
        for kr in rows:
            objective = kr.objective
            owner = objective.product.name if objective.product_id else "Whole workspace"
            first = 0 if product is not None and objective.product_id == product.pk else 1
            key = (first, owner, objective.title, objective.period)
            groups.setdefault(key, []).append((kr.pk, kr.title))
        field.choices = [
            (f"{owner} · {title} ({period})", krs) for (_, owner, title, period), krs in sorted(groups.items())
        ]
        field.widget.attrs.update({"data-filterable": "Search key results", "size": 8})

    def clean(self):
        data = super().clean()
        if self.custom_definitions:
            # Set on the instance too: a new object is saved from the form's instance.
            data["custom_fields"] = self.instance.custom_fields = self.custom_values()
        return data

    def clean_depends_on(self):
        depends_on = self.cleaned_data["depends_on"]
        if self.instance.pk and any(i.pk == self.instance.pk for i in depends_on):
            raise forms.ValidationError("An initiative cannot depend on itself.")
        return depends_on


class InitiativeMoveForm(forms.Form):
    horizon = forms.ChoiceField(choices=[("now", "now"), ("next", "next"), ("later", "later")], required=False)
    before = forms.IntegerField(required=False)
    after = forms.IntegerField(required=False)
    position = forms.ChoiceField(choices=[("top", "top"), ("bottom", "bottom")], required=False)
    version = forms.IntegerField(required=False, min_value=1, help_text="The version the board showed.")


class RescheduleForm(forms.Form):
    start_date = forms.DateField(required=False)
    end_date = forms.DateField(required=False)
    theme = forms.CharField(required=False, help_text="A theme id, empty for no theme; leave out to keep.")
    version = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "The end date cannot be before the start date.")
        return data


class ShareLinkForm(forms.Form):
    label = forms.CharField(max_length=120, required=False, label="Who is it for?")

from decimal import Decimal

from django import forms
from django.urls import reverse

from backlog.models import BacklogItem
from core.forms import SearchSelect
from customfields.selectors import field_definitions_for
from workspaces.forms import ScopedModelForm

from .models import CRITERION_FIELD_TYPES, CriterionSource, Framework, PrioritySettings, ScorecardCriterion
from .selectors import SCENARIO_INPUTS


class SettingsForm(ScopedModelForm):
    class Meta:
        model = PrioritySettings
        fields = [
            "default_framework",
            "value_threshold",
            "effort_threshold",
            "must_share_limit",
            "capacity",
            "effort_unit",
        ]


class CriterionForm(ScopedModelForm):
    source = forms.ChoiceField(
        choices=CriterionSource.choices,
        required=False,
        initial=CriterionSource.MANUAL,
        label="Values",
        help_text=(
            "Customer impact: each item's value is its customer impact score, kept by discovery. "
            "A custom field: each item's value of the field below."
        ),
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, access=access, **kwargs)
        # The product's own fields and the workspace-wide ones that read as a number.
        self.fields["field"].queryset = field_definitions_for(product=access.product, target="item").filter(
            field_type__in=CRITERION_FIELD_TYPES
        )
        self.fields["field"].help_text = "Only with values from a custom field: a number or a single select."

    def clean_source(self):
        return self.cleaned_data.get("source") or CriterionSource.MANUAL

    class Meta:
        model = ScorecardCriterion
        fields = ["name", "weight", "order", "source", "field"]


class MoscowQueryForm(forms.Form):
    framework = forms.ChoiceField(choices=Framework.choices, required=False)
    release = forms.ModelChoiceField(queryset=None, required=False)
    sprint = forms.ModelChoiceField(queryset=None, required=False)
    capacity = forms.DecimalField(
        min_value=Decimal("0.01"), max_digits=10, decimal_places=2, required=False, help_text="Effort available."
    )

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = product.releases.all()
        self.fields["sprint"].queryset = product.sprints.all()


class CriterionValuesForm(forms.Form):
    """One number per criterion of the product's scorecard; empty clears a value."""

    def __init__(self, *args, criteria, initial_values: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name} (×{criterion.weight.normalize():f})",
                min_value=0,
                max_digits=10,
                decimal_places=2,
                required=False,
                initial=initial_values.get(criterion.pk),
            )

    def values(self) -> dict[int, Decimal | None]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=120)
    framework = forms.ChoiceField(choices=Framework.choices)


class ScenarioWeightsForm(forms.Form):
    def __init__(self, *args, criteria, weights: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"w{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name} (live ×{criterion.weight.normalize():f})",
                min_value=Decimal("0.01"),
                max_digits=6,
                decimal_places=2,
                required=False,
                initial=weights.get(str(criterion.pk)),
            )

    def weights(self) -> dict[str, str]:
        return {
            str(c.pk): str(self.cleaned_data[f"w{c.pk}"])
            for c in self.criteria
            if self.cleaned_data.get(f"w{c.pk}") is not None
        }


class ScenarioChangeForm(forms.Form):
    item = forms.ModelChoiceField(
        queryset=BacklogItem.objects.none(),
        label="Item",
        help_text="Type part of its title or its number (PAY-42); ↑/↓ and Enter pick one.",
        error_messages={"invalid_choice": "Pick an item of this product from the list."},
    )
    field = forms.ChoiceField(choices=[(f, f.replace("_", " ").capitalize()) for f in SCENARIO_INPUTS], label="Input")
    value = forms.CharField(max_length=30, required=False, help_text="Empty: the input is missing.")

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        # The scenario's product's items, searched as you type (the same picker as an item's parent).
        items = BacklogItem.objects.filter(product=product).select_related("product")
        url = reverse("prioritization:scenario_item_choices", kwargs={"product_id": product.pk})
        widget = SearchSelect(search_url=url, label=lambda item: f"{item.key} {item.title}")
        widget.queryset = items
        self.fields["item"].queryset = items
        self.fields["item"].widget = widget

from decimal import Decimal

from django import forms

from pmhub.forms import DateInput, ScopedModelForm

from .models import IMPACT_CHOICES, AcceptanceCriterion, BacklogItem, Sprint


class ItemForm(ScopedModelForm):
    impact = forms.TypedChoiceField(
        choices=[("", "—")] + [(str(v), label) for v, label in IMPACT_CHOICES],
        coerce=Decimal,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = BacklogItem
        fields = [
            "kind",
            "title",
            "description",
            "status",
            "story_points",
            "owner",
            "parent",
            "initiative",
            "release",
            "sprint",
            "as_a",
            "i_want",
            "so_that",
            "moscow",
            "reach",
            "impact",
            "confidence",
            "effort",
            "business_value",
            "time_criticality",
            "risk_reduction",
            "job_size",
        ]
        widgets = {"i_want": forms.Textarea(attrs={"rows": 2}), "so_that": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.impact is not None:
            self.initial["impact"] = str(Decimal(self.instance.impact).normalize())
        parent_choices = self.fields["parent"].queryset.select_related("product").filter(kind__in=["epic", "feature"])
        if self.instance.pk:
            parent_choices = parent_choices.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parent_choices.order_by("rank")


class CriterionForm(forms.ModelForm):
    class Meta:
        model = AcceptanceCriterion
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "placeholder": "Given … when … then …"})}


class SprintForm(ScopedModelForm):
    class Meta:
        model = Sprint
        fields = ["name", "goal", "start_date", "end_date", "capacity_points", "status"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

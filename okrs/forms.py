from django import forms

from pmhub.forms import DateTimeInput, ScopedModelForm

from .models import KPI, KeyResult, Measurement, Objective


class ObjectiveForm(ScopedModelForm):
    class Meta:
        model = Objective
        fields = ["title", "description", "period", "product", "parent", "owner", "weight"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.attrs["placeholder"] = "2027-Q1"
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)


class KeyResultForm(ScopedModelForm):
    class Meta:
        model = KeyResult
        fields = [
            "objective",
            "title",
            "unit",
            "direction",
            "start_value",
            "target_value",
            "current_value",
            "weight",
            "kpi",
        ]


class KPIForm(ScopedModelForm):
    class Meta:
        model = KPI
        fields = ["name", "unit", "direction", "description"]


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["value", "measured_at", "note"]
        widgets = {"measured_at": DateTimeInput(), "note": forms.TextInput()}


class CheckInForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["value", "confidence", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {"confidence": "Confidence (%)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confidence"].required = True

import csv
import io

from django import forms

from core.forms import DateTimeInput
from workspaces.forms import ScopedModelForm

from .models import HEALTH_POLICY_FIELDS, KPI, HealthPolicy, KeyResult, Measurement, Objective


class ObjectiveForm(ScopedModelForm):
    class Meta:
        model = Objective
        fields = ["title", "description", "period", "product", "parent", "owner", "weight"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.attrs["placeholder"] = "2027-Q1"
        self.fields["weight"].required = False  # empty means the default weight, 1
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        return Objective._meta.get_field("weight").default if weight is None else weight


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


class MeasurementImportForm(forms.Form):
    """The shape of a KPI measurements CSV: a header with kpi, measured_at and value (note optional)."""

    REQUIRED = ("kpi", "measured_at", "value")
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(label="CSV file", help_text="Columns: kpi, measured_at, value, note (optional).")

    def clean_file(self) -> list[dict]:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is over 2 MB; split it into smaller files.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file is not UTF-8 text; save it as CSV UTF-8.") from error
        if "\x00" in text:
            raise forms.ValidationError("The file contains NUL characters; save it again as CSV UTF-8.")
        try:
            reader = csv.DictReader(io.StringIO(text))
            header = [name.strip().lower() for name in (reader.fieldnames or [])]
            missing = [name for name in self.REQUIRED if name not in header]
            if missing:
                raise forms.ValidationError(
                    f"The header lacks {', '.join(missing)}. Expected: kpi,measured_at,value,note."
                )
            reader.fieldnames = header
            return [
                {"line": reader.line_num, **{k: v for k, v in row.items() if k is not None}}
                for row in reader
                if any((v or "").strip() for k, v in row.items() if k is not None)
            ]
        except csv.Error as error:
            raise forms.ValidationError(f"The file is not valid CSV: {error}.") from error


class HealthPolicyForm(forms.ModelForm):
    class Meta:
        model = HealthPolicy
        fields = list(HEALTH_POLICY_FIELDS)
        labels = {
            "at_risk_gap": "At risk when behind by more than",
            "off_track_gap": "Off track when behind by more than",
            "at_risk_confidence": "At risk when the latest confidence is below (%)",
            "off_track_confidence": "Off track when the latest confidence is below (%)",
        }

from django import forms
from django.contrib.auth import get_user_model

from core.bounds import DATE_MAX, DATE_MIN, TEXT_SHORT
from workspaces.forms import ScopedModelForm

from .forecast import GROWTH_MAX, TRIALS_MAX
from .models import ChecklistTemplateTask, LaunchTask, Verdict
from .selectors.forecasts import SCOPES, TOP_MAX, WINDOW_MAX, WINDOW_MIN


class ForecastForm(forms.Form):
    """The question a forecast answers (query parameters of the fragment and the API)."""

    scope = forms.ChoiceField(choices=[(s, s) for s in SCOPES])
    id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    top = forms.IntegerField(required=False, min_value=1, max_value=TOP_MAX)
    window = forms.IntegerField(required=False, min_value=WINDOW_MIN, max_value=WINDOW_MAX)
    trials = forms.IntegerField(required=False, min_value=100, max_value=TRIALS_MAX)
    growth_min = forms.FloatField(required=False, min_value=1.0, max_value=GROWTH_MAX)
    growth_max = forms.FloatField(required=False, min_value=1.0, max_value=GROWTH_MAX)
    by = forms.DateField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("scope") in ("epic", "initiative", "release") and not data.get("id"):
            self.add_error("id", "Say which one: ?id= of the epic, initiative or release.")
        low = data.get("growth_min") or 1.0
        high = data.get("growth_max") or low
        if high < low:
            self.add_error("growth_max", "The upper growth factor cannot be below the lower one.")
        data["growth"] = (low, max(high, low))
        by = data.get("by")
        if by is not None and not DATE_MIN <= by <= DATE_MAX:
            self.add_error("by", f"Pick a date between {DATE_MIN} and {DATE_MAX}.")
        return data


class LaunchTaskForm(forms.ModelForm):
    class Meta:
        model = LaunchTask
        fields = ["title", "area", "owner", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(memberships__workspace=workspace)


class OutcomeRecordForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    learning = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_SHORT)


class OutcomeRescheduleForm(forms.Form):
    due_on = forms.DateField(label="Ask for the review on", widget=forms.DateInput(attrs={"type": "date"}))


class ChecklistTemplateTaskForm(ScopedModelForm):
    class Meta:
        model = ChecklistTemplateTask
        fields = ["title", "area", "days_before", "order"]

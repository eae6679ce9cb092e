from django import forms

from okrs.models import period_validator


class PeriodForm(forms.Form):
    period = forms.CharField(max_length=7, required=False, validators=[period_validator])

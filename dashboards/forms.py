from django import forms

from okrs.periods import period_validator


class PeriodForm(forms.Form):
    period = forms.CharField(max_length=7, required=False, validators=[period_validator])

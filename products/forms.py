from django import forms
from django.contrib.auth import get_user_model

from pmhub.forms import DateInput, ScopedModelForm

from .models import BusinessCase, Persona, Product, Role, Vision


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=120)


class ProductForm(ScopedModelForm):
    class Meta:
        model = Product
        fields = ["name", "key", "description", "stage"]

    def clean_key(self):
        return self.cleaned_data["key"].upper()


class VisionForm(forms.ModelForm):
    class Meta:
        model = Vision
        fields = ["statement", "target_customers", "problem", "value_proposition", "differentiators", "time_horizon"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields[:-1]}


class BusinessCaseForm(ScopedModelForm):
    class Meta:
        model = BusinessCase
        fields = [
            "title",
            "problem_statement",
            "validation_status",
            "evidence",
            "expected_annual_benefit",
            "expected_annual_cost",
            "pricing_strategy",
            "decision",
            "decision_date",
        ]
        widgets = {"decision_date": DateInput()}


class PersonaForm(ScopedModelForm):
    class Meta:
        model = Persona
        fields = ["name", "description", "goals", "pains"]


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def clean_username(self):
        username = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(f"No user is called “{username}”.")
        return user


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)

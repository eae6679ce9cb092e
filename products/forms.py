from django import forms

from core.forms import DateInput
from workspaces.forms import ScopedModelForm

from .models import BusinessCase, Persona, Product, Vision


class ProductForm(ScopedModelForm):
    class Meta:
        model = Product
        fields = ["name", "key", "description", "stage", "allow_parallel_sprints"]

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

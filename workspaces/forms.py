"""Workspace forms (members, invitations), and the form base whose relation choices never leave the user's workspace."""

from django import forms
from django.contrib.auth import get_user_model

from core.forms import quicken

from .models import Role


def scope_queryset(queryset, access):
    """Limit a related-object queryset to what the access's workspace (and product) holds."""
    model = queryset.model
    field_names = {f.name for f in model._meta.get_fields()}
    if model is get_user_model():
        return queryset.filter(memberships__workspace=access.workspace).order_by("username")
    if "product" in field_names and access.product is not None and model._meta.model_name != "objective":
        return queryset.filter(product=access.product)
    if "workspace" in field_names:
        return queryset.filter(workspace=access.workspace)
    if "product" in field_names:
        return queryset.filter(product__workspace=access.workspace)
    if "objective" in field_names:
        return queryset.filter(objective__workspace=access.workspace).select_related("objective")
    raise ValueError(f"No workspace scope known for {model.__name__}")


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose relation choices are scoped to `access` (and never another workspace's)."""

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scope_queryset(field.queryset, access)
                quicken(field)


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=120)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="They get a link to accept; nobody joins without accepting.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


class InvitationSignUpForm(forms.Form):
    """A new account for the invited address: the address itself comes from the invitation."""

    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _ only; others see it in PMHub.",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not only digits, not a common password.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The two passwords differ.")
        return data


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)

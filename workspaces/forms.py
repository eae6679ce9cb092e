"""Workspace forms, and the form base whose relation choices never leave the user's workspace."""

from django import forms
from django.contrib.auth import get_user_model

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


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=120)


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

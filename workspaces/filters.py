import django_filters
from django import forms

from core.forms import quicken

from .forms import scope_queryset


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choices of related objects are limited to the access's workspace."""

    def __init__(self, data=None, queryset=None, *, access, **kwargs):
        super().__init__(data, queryset, **kwargs)
        for f in self.filters.values():
            if isinstance(f, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                f.queryset = scope_queryset(f.queryset.all(), access)
        for field in self.form.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scope_queryset(field.queryset.all(), access)
                quicken(field)

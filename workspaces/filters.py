import django_filters
from django import forms

from core.forms import quicken

from .forms import scope_queryset


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choices of related objects are limited to the access's workspace."""

    def __init__(self, data=None, queryset=None, *, access, **kwargs):
        self.access = access
        super().__init__(data, queryset, **kwargs)
        for f in self.filters.values():
            if isinstance(f, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                f.queryset = scope_queryset(f.queryset.all(), access)

    @property
    def form(self):
        """The filters' form (built again by a subclass that adds filters), its relation choices scoped
        and written quickly (core.forms.quicken), however often it is built."""
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                if isinstance(field, forms.ModelChoiceField):
                    field.queryset = scope_queryset(field.queryset.all(), self.access)
                    quicken(field)
        return self._form

import django_filters

from workspaces.filters import ScopedFilterSet

from .models import KeyResult, Objective


class ObjectiveFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")
    period = django_filters.CharFilter()

    class Meta:
        model = Objective
        fields = ["search", "period", "product", "owner"]


class KeyResultFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")

    class Meta:
        model = KeyResult
        fields = ["search", "objective", "kpi"]

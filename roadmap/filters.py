import django_filters

from workspaces.filters import ScopedFilterSet

from .models import Horizon, Initiative, InitiativeStatus


class InitiativeFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")
    horizon = django_filters.ChoiceFilter(choices=Horizon.choices)
    status = django_filters.ChoiceFilter(choices=InitiativeStatus.choices)

    class Meta:
        model = Initiative
        fields = ["search", "theme", "horizon", "status", "release"]

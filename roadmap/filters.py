import django_filters

from workspaces.filters import ScopedFilterSet

from .models import Horizon, Initiative, InitiativeStatus

# "No evidence" is a filter of items and initiatives alike (both keep an `evidence_count`).
EVIDENCE_CHOICES = [("none", "No evidence"), ("some", "Has evidence")]


def with_evidence(queryset, name, value):
    """ "No evidence" is a filter like "no outcome linked": items or initiatives without customer evidence."""
    if value == "none":
        return queryset.filter(evidence_count=0)
    if value == "some":
        return queryset.filter(evidence_count__gt=0)
    return queryset


class InitiativeFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")
    horizon = django_filters.ChoiceFilter(choices=Horizon.choices)
    status = django_filters.ChoiceFilter(choices=InitiativeStatus.choices)
    evidence = django_filters.ChoiceFilter(choices=EVIDENCE_CHOICES, method=with_evidence, label="Evidence")

    class Meta:
        model = Initiative
        fields = ["search", "theme", "horizon", "status", "release", "evidence"]

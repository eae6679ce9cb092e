import django_filters

from roadmap.models import Theme
from workspaces.filters import ScopedFilterSet

from .models import BacklogItem, ItemKind, ItemStatus, MoSCoW

EVIDENCE_CHOICES = [("none", "No evidence"), ("some", "Has evidence")]


def with_evidence(queryset, name, value):
    """ "No evidence" is a filter like "no outcome linked": items or initiatives without customer evidence."""
    if value == "none":
        return queryset.filter(evidence_count=0)
    if value == "some":
        return queryset.filter(evidence_count__gt=0)
    return queryset


class ItemFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")
    kind = django_filters.ChoiceFilter(choices=ItemKind.choices)
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices)
    moscow = django_filters.ChoiceFilter(choices=MoSCoW.choices, label="MoSCoW")
    theme = django_filters.ModelChoiceFilter(
        field_name="initiative__theme", queryset=Theme.objects.all(), label="Theme"
    )
    evidence = django_filters.ChoiceFilter(choices=EVIDENCE_CHOICES, method=with_evidence, label="Evidence")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("rank", "rank"),
            ("rice_score", "rice_score"),
            ("wsjf_score", "wsjf_score"),
            ("customer_impact", "customer_impact"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ),
    )

    class Meta:
        model = BacklogItem
        fields = ["search", "kind", "status", "moscow", "theme", "initiative", "release", "sprint", "evidence"]

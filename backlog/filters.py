import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from customfields.models import SELECT_TYPES, FieldTarget, FieldType
from customfields.selectors import field_definitions_for
from roadmap.filters import EVIDENCE_CHOICES, with_evidence
from roadmap.models import Initiative, Release, Theme
from workspaces.filters import ScopedFilterSet

from .label_models import label_names_sorted
from .models import BacklogItem, GroupBy, ItemKind, ItemStatus, Label, MoSCoW, Sprint

GROUP_TYPES = (FieldType.SINGLE_SELECT, FieldType.USER)  # custom fields a view may group by


def with_label(queryset, name, value):
    """Items that carry a label of this name (case ignored); each item once, so keyset pages hold."""
    if not value:
        return queryset
    links = Label.items.through.objects.filter(backlogitem_id=OuterRef("pk"), label__name__iexact=value.strip())
    return queryset.filter(Exists(links))


def label_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(method=with_label, label="Label", help_text="A label's name (case ignored).")


class ViewOrderingFilter(django_filters.OrderingFilter):
    """The view's sort, which may name a custom field (cf_<key>, choices added per product): the
    keyset page orders by those itself (backlog/selectors/view_order.py), so they are not applied here."""

    def filter(self, qs, value):
        return super().filter(qs, [v for v in value or [] if not v.lstrip("-").startswith("cf_")])


class ItemFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")
    kind = django_filters.ChoiceFilter(choices=ItemKind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, empty_label="Any status")
    moscow = django_filters.ChoiceFilter(choices=MoSCoW.choices, label="MoSCoW", empty_label="Any MoSCoW")
    theme = django_filters.ModelChoiceFilter(
        field_name="initiative__theme",
        queryset=Theme.objects.all(),
        label="Theme",
        empty_label="Any theme",
    )
    initiative = django_filters.ModelChoiceFilter(queryset=Initiative.objects.all(), empty_label="Any initiative")
    release = django_filters.ModelChoiceFilter(queryset=Release.objects.all(), empty_label="Any release")
    sprint = django_filters.ModelChoiceFilter(queryset=Sprint.objects.all(), empty_label="Any sprint")
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label="Assignee", empty_label="Anyone"
    )
    evidence = django_filters.ChoiceFilter(choices=EVIDENCE_CHOICES, method=with_evidence, label="Evidence")
    ordering = ViewOrderingFilter(
        fields=(
            ("rank", "rank"),
            ("rice_score", "rice_score"),
            ("wsjf_score", "wsjf_score"),
            ("customer_impact", "customer_impact"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ),
        label="Sort",
        empty_label="Manual order",
    )
    # Declared after `ordering`: the group comes first, the chosen order within each group.
    group = django_filters.ChoiceFilter(
        choices=GroupBy.choices, method="group_rows", label="Group by", empty_label="No grouping"
    )

    class Meta:
        model = BacklogItem
        fields = ["search", "kind", "status", "moscow", "theme", "initiative", "release", "sprint", "owner", "evidence"]

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, access=access, **kwargs)
        # A chip per select custom field of the product: an index-served containment test. The
        # definitions are kept for the page (its custom columns), read once per request.
        self.custom_definitions = list(field_definitions_for(product=access.product, target=FieldTarget.ITEM))
        for definition in [d for d in self.custom_definitions if d.field_type in SELECT_TYPES]:
            self.filters[f"cf_{definition.key}"] = django_filters.ChoiceFilter(
                choices=[(o, o) for o in definition.options],
                label=definition.name,
                empty_label=f"Any {definition.name.lower()}",
                method=self.custom_value_filter(definition),
            )
        # The product's labels as a chip (one query): another product's labels are never offered.
        names = Label.objects.filter(product=access.product).values_list("name", flat=True)
        self.filters["label"] = django_filters.ChoiceFilter(
            choices=[(n, n) for n in label_names_sorted(names)],
            method=with_label,
            label="Label",
            empty_label="Any label",
        )
        self.add_custom_orders_and_groups()
        self.__dict__.pop("_form", None)  # built by the base class before these filters: build it again

    def add_custom_orders_and_groups(self) -> None:
        """Sort by a custom field (any but a multi-select), group by a single select or a person."""
        sortable = [d for d in self.custom_definitions if d.field_type != FieldType.MULTI_SELECT]
        orders = [
            (f"{sign}cf_{d.key}", f"{d.name}{label}")
            for d in sortable
            for sign, label in (("", ""), ("-", " (descending)"))
        ]
        self.filters["ordering"].extra["choices"] = [*self.filters["ordering"].extra["choices"], *orders]
        groups = [(f"cf_{d.key}", d.name) for d in self.custom_definitions if d.field_type in GROUP_TYPES]
        self.filters["group"].extra["choices"] = [*GroupBy.choices, *groups]
        for name in ("ordering", "group"):
            self.filters[name].__dict__.pop("_field", None)  # a field built with the fixed choices: build it again

    @staticmethod
    def custom_value_filter(definition):
        def filter_value(queryset, name, value):
            wanted = [value] if definition.field_type == FieldType.MULTI_SELECT else value
            return queryset.filter(custom_fields__contains={definition.key: wanted})

        return filter_value

    def group_rows(self, queryset, name, value):
        """A valid choice, no filter: the page orders by the group (view_order.group_keys, core.keyset_groups)."""
        return queryset

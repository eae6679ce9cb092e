"""API v1: saved backlog views (personal, or shared with the workspace)."""

from dataclasses import dataclass

from rest_framework import serializers

from core.schema import resource_docs
from core.serializers import StrictModelSerializer, StrictSerializer
from customfields.models import FIELDS_PER_WORKSPACE_MAX
from products.models import Product
from workspaces.selectors import Access
from workspaces.viewsets import ResourceViewSet, make_filterset, scoped_fk

from .models import VIEW_COLUMNS, VIEW_FILTER_VALUE_MAX, VIEW_FILTERS, GroupBy, SavedView, ViewOrdering
from .saved_view_models import CUSTOM_FILTER
from .selectors.saved_views import saved_views_visible_to
from .services import saved_views as view_services

COLUMN_PATTERN = rf"^({'|'.join(VIEW_COLUMNS)}|cf_[a-z][a-z0-9_]{{0,39}})$"
# allow_blank adds "" to the schema (oneOf): the patterns leave it out.
GROUP_PATTERN = rf"^({'|'.join(GroupBy.values)}|cf_[a-z][a-z0-9_]{{0,39}})$"
ORDERING_PATTERN = rf"^({'|'.join(ViewOrdering.values)}|-?cf_[a-z][a-z0-9_]{{0,39}})$"
MEMBER = "member"  # any member may call the endpoint; the service decides what their role may do


@dataclass(frozen=True)
class MemberAccess(Access):
    def can(self, capability: str) -> bool:
        return capability == MEMBER or super().can(capability)


def _filter_value(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, max_length=VIEW_FILTER_VALUE_MAX, **kwargs)


class SavedViewFiltersSerializer(StrictSerializer):
    """The backlog page's filters (see backlog/filters.py): ids and choice values written as text."""

    search = _filter_value(help_text="Words in the title.")
    kind = _filter_value()
    status = _filter_value()
    moscow = _filter_value()
    theme = _filter_value(help_text="A theme id.")
    initiative = _filter_value(help_text="An initiative id.")
    release = _filter_value(help_text="A release id.")
    sprint = _filter_value(help_text="A sprint id.")
    owner = _filter_value(help_text="The assignee's user id.")
    evidence = _filter_value(help_text='"none" (no customer evidence) or "some".')
    label = _filter_value(help_text="A label's name.")

    def to_internal_value(self, data):
        """The named filters, and cf_<key> filters of the product's select custom fields (a value each)."""
        custom = {}
        if isinstance(data, dict):
            custom = {k: v for k, v in data.items() if isinstance(k, str) and CUSTOM_FILTER.match(k)}
            data = {k: v for k, v in data.items() if k not in custom}
        problems = {k: ["A text value."] for k, v in custom.items() if not isinstance(v, str)}
        problems.update(
            {
                k: [f"At most {VIEW_FILTER_VALUE_MAX} characters."]
                for k, v in custom.items()
                if len(str(v)) > VIEW_FILTER_VALUE_MAX
            }
        )
        if problems:
            raise serializers.ValidationError(problems)
        return {**dict(super().to_internal_value(data)), **custom}


assert set(SavedViewFiltersSerializer._declared_fields) == set(VIEW_FILTERS)


class SavedViewSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)
    filters = SavedViewFiltersSerializer(required=False, help_text="The backlog filters of the view (only set ones).")
    columns = serializers.ListField(
        child=serializers.RegexField(COLUMN_PATTERN, max_length=43),
        required=False,
        max_length=len(VIEW_COLUMNS) + FIELDS_PER_WORKSPACE_MAX,
        help_text=f"The columns shown, in order: {', '.join(VIEW_COLUMNS)}, or cf_<key> of a custom field; "
        "empty for the default ones.",
    )
    group_by = serializers.RegexField(
        GROUP_PATTERN,
        required=False,
        allow_blank=True,
        max_length=43,
        help_text="status, sprint, initiative, owner, moscow, or cf_<key> of a single-select or person custom field.",
    )
    ordering = serializers.RegexField(
        ORDERING_PATTERN,
        required=False,
        allow_blank=True,
        max_length=44,
        help_text="One of the backlog's sorts, or cf_<key> / -cf_<key> of a custom field (not a multi-select).",
    )
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    query = serializers.CharField(read_only=True, help_text="The view as the backlog page's query string.")

    class Meta:
        model = SavedView
        fields = [
            "id",
            "product",
            "name",
            "shared",
            "filters",
            "columns",
            "group_by",
            "ordering",
            "owner",
            "query",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at", "version"]
        create_only_fields = ["product"]


@resource_docs(
    "saved backlog views",
    "Yours and the shared ones of your workspaces. Every member saves personal views; sharing one, or "
    "changing or deleting a shared one, needs the right to edit items. Filter with ?product=, ?shared=.",
    rules=["Each column once."],
)
class SavedViewViewSet(ResourceViewSet):
    model = SavedView
    serializer_class = SavedViewSerializer
    capability = MEMBER
    select_related = ("owner", "product")
    filterset_class = make_filterset(SavedView, ["product", "shared"], "product__workspace")

    def base_queryset(self):
        return saved_views_visible_to(user=self.request.user).select_related(*self.select_related)

    def scope(self, qs):
        qs = super().scope(qs)
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(pk__in=saved_views_visible_to(user=self.request.user).values("pk"))

    def access_to(self, workspace_id: int, obj=None) -> Access:
        access = super().access_to(workspace_id, obj)
        return MemberAccess(workspace=access.workspace, membership=access.membership)

    def create_service(self, *, data: dict, access: Access, actor):
        return view_services.saved_view_create(access=access, product=data["product"], actor=actor, data=data)

    def update_service(self, *, obj, data: dict, access: Access, actor):
        return view_services.saved_view_update(view=obj, access=access, actor=actor, data=data)

    def delete_service(self, *, obj, access: Access, actor) -> None:
        view_services.saved_view_delete(view=obj, access=access, actor=actor)

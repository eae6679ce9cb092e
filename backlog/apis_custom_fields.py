"""API v1 items with custom fields: `?cf_<key>=<choice>` filters by a select custom field (the
containment test the GIN index serves) and `?ordering=cf_<key>` / `-cf_<key>` sorts by one (NULLs
last, id tiebreak, a cursor over both). Both need `?product=`: custom fields are a product's."""

from django.db import connection
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions

from core.schema import rules_text
from customfields.models import SELECT_TYPES, FieldTarget, FieldType
from customfields.selectors import field_definitions_for
from products.selectors import api_product_access

from . import apis
from .models import BacklogItem
from .saved_view_models import CUSTOM_FILTER, CUSTOM_ORDERING
from .selectors import view_order

CUSTOM_ORDERING_PATTERN = CUSTOM_ORDERING.pattern.strip("^$")
NEEDS_PRODUCT = "Custom fields are a product's: add ?product=<id>."
NOT_SELECT = "Not a select custom field of this product."
NOT_SORTABLE = "Not a sortable custom field of this product."
ITEMS_DOCS = (  # as apis.ItemViewSet's, with the custom fields' parameters
    "Cursor-paginated (`page_size` up to 500). Filter with ?product=, ?workspace=, ?theme=, ?initiative=, "
    "?release=, ?sprint=, ?parent=, ?kind=, ?status=, ?moscow=, ?owner=, ?search= (title), ?cf_<key>= (a select "
    "custom field, with ?product=); ?ordering= rank, -rice_score, -wsjf_score, created_at, updated_at (and their "
    "reverses), or cf_<key> / -cf_<key> (a custom field, with ?product=)."
)
CUSTOM_RULES = [NEEDS_PRODUCT, NOT_SELECT, NOT_SORTABLE, "One of: …."]


def custom_params(params) -> tuple[dict[str, str], str | None]:
    """The request's cf_<key> filters and its custom sort (None if it has none)."""
    filters = {k: params.get(k) for k in params if CUSTOM_FILTER.match(k)}
    ordering = params.get("ordering", "")
    return filters, ordering if CUSTOM_ORDERING.match(ordering) else None


def _custom_filtered(queryset, filters: dict[str, str], definitions: dict):
    for name, value in filters.items():
        definition = definitions.get(name[3:])
        if definition is None or definition.field_type not in SELECT_TYPES:
            raise exceptions.ValidationError({name: [NOT_SELECT]})
        if value not in definition.options:
            raise exceptions.ValidationError({name: [f"One of: {', '.join(definition.options)}."]})
        wanted = [value] if definition.field_type == FieldType.MULTI_SELECT else value
        queryset = queryset.filter(custom_fields__contains={definition.key: wanted})
    return queryset


class ItemViewSet(apis.ItemViewSet):
    keyset_custom_ordering = CUSTOM_ORDERING_PATTERN
    keyset_ordering_help = (
        "Order of the list; cf_<key> (or -cf_<key>) sorts by a custom field of the product (with ?product=; "
        "not a multi-select), empty values last."
    )

    @extend_schema(
        description=f"List the backlog items of your workspaces. {ITEMS_DOCS}{rules_text(CUSTOM_RULES)}",
        parameters=[
            OpenApiParameter(
                "cf_<key>",
                str,
                description="cf_ and a select custom field's key (e.g. cf_tier=Enterprise): the items holding "
                "that choice; with ?product=.",
            )
        ],
    )
    def list(self, request, *args, **kwargs):
        filters, ordering = custom_params(request.query_params)
        if not filters and ordering is None:
            return super().list(request, *args, **kwargs)
        product_id = apis.parse_id(request.query_params.get("product"))
        if product_id is None:
            raise exceptions.ValidationError({"product": [NEEDS_PRODUCT]})
        access = api_product_access(request, product_id)  # 404 outside the user's workspaces
        definitions = {d.key: d for d in field_definitions_for(product=access.product, target=FieldTarget.ITEM)}
        queryset = _custom_filtered(self.filter_queryset(self.scope(BacklogItem.objects.all())), filters, definitions)
        fetch = apis._fetch_rows if connection.vendor == "postgresql" else apis._fetch_rows_portable
        if ordering is None:
            rows = self.paginator.paginate_queryset(queryset, request, view=self, fetch=fetch)
            return self.paginator.get_paginated_response(rows)
        definition = definitions.get(ordering.lstrip("-")[3:])
        if definition is None or definition.field_type not in view_order.SORTABLE_TYPES:
            raise exceptions.ValidationError({"ordering": [NOT_SORTABLE]})
        keys = [view_order.custom_sort_key(definition, desc=ordering.startswith("-"))]
        rows = self.paginator.paginate_by_keys(queryset, request, keys=keys, fetch=fetch)
        return self.paginator.get_paginated_response(rows)

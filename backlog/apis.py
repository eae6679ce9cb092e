"""API v1: backlog items (with acceptance criteria, moves, bulk writes and CSV export) and sprints."""

from types import SimpleNamespace

import django_filters
from django.db import connection, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from core.csv import csv_text
from core.db import retry_on_conflict
from core.db_router import use_replica
from core.pagination import KeysetPagination
from core.renderers import CSVRenderer, ORJSONRenderer, collector_paused, fragment
from core.schema import resource_docs, rules_text
from core.serializers import IF_MATCH, PreconditionFailed, etag, if_match_version
from customfields.selectors import field_keys_for_workspaces
from products.selectors import products_for_user
from roadmap.models import Theme
from workspaces.models import Capability
from workspaces.selectors import workspace_ids_for_user
from workspaces.viewsets import WRITE_ACTIONS, ResourceViewSet, make_filterset

from .api_ids import IdFilter, parse_id
from .filters import label_filter
from .models import ITEM_RULES, SPRINT_RULES, AcceptanceCriterion, BacklogItem, Sprint
from .selectors.api_items import item_export_rows, item_for_write, item_page_rows_for_user, item_row_for_user
from .selectors.api_items import item_value_rows as _fetch_rows
from .selectors.api_items import item_value_rows_portable as _fetch_rows_portable
from .selectors.sprint_history import sprint_burndown, sprint_date_warnings, sprint_review
from .serializers import (
    BurndownSerializer,
    ItemBulkResultSerializer,
    ItemBulkSerializer,
    ItemMoveSerializer,
    ItemSerializer,
    SprintCompleteSerializer,
    SprintReviewSerializer,
    SprintSerializer,
)
from .services.criteria import item_criteria_sync
from .services.items import StaleWriteError, item_create, item_delete, item_move, item_update, items_bulk_save
from .services.sprints import sprint_complete, sprint_start

ItemFilter = make_filterset(
    BacklogItem,
    ["initiative", "release", "sprint", "parent", "kind", "status", "moscow", "owner"],
    "product__workspace",
    theme=django_filters.ModelChoiceFilter(field_name="initiative__theme", queryset=Theme.objects.all()),
    # Checked lazily (see ItemViewSet.check_product_filter): the hot list needs no lookup for it.
    product=IdFilter(field_name="product_id", help_text="A product id."),
    label=label_filter(),
)


# The query parameters of a plain page (see ItemViewSet.is_plain_page).
PLAIN_PAGE_PARAMS = {"product", "page_size", "cursor", "ordering"}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@resource_docs(
    "backlog items",
    "Cursor-paginated (`page_size` up to 500). Filter with ?product=, ?workspace=, ?theme=, ?initiative=, "
    "?release=, ?sprint=, ?parent=, ?kind=, ?status=, ?moscow=, ?owner=, ?label= (a name), ?search= (title); "
    "?ordering= rank, -rice_score, -wsjf_score, created_at, updated_at (and their reverses).",
    rules=ITEM_RULES,
)
class ItemViewSet(ResourceViewSet):
    model = BacklogItem
    serializer_class = ItemSerializer
    capability = Capability.EDIT_ITEMS
    delete_capability = Capability.DELETE_ITEMS
    select_related = ("product",)
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_class = ItemFilter
    search_fields = ["title"]
    pagination_class = KeysetPagination
    keyset_orderings = (
        "rank",
        "-rank",
        "-rice_score",
        "rice_score",
        "-wsjf_score",
        "wsjf_score",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
    )
    keyset_default = "rank"

    def base_queryset(self):  # a move reads no criteria nor labels: its answer is read again, plainly (respond)
        criteria = Prefetch("acceptance_criteria", queryset=AcceptanceCriterion.objects.order_by("order", "id"))
        items = BacklogItem.objects.select_related("product")
        return items if self.action == "move" else items.prefetch_related(criteria, "labels")

    def list(self, request, *args, **kwargs):
        """The hot path: one keyset query of plain rows (and one for their criteria), rendered by orjson.

        It returns what ItemSerializer would (a test compares them) at a fraction of the cost.
        """
        postgres = connection.vendor == "postgresql"
        if postgres and self.is_plain_page(request):
            product = request.query_params.get("product")
            with collector_paused():  # the rows are made, rendered and dropped in the block
                rows = self.paginator.paginate_keyset(
                    request,
                    self,
                    lambda field, desc, cursor, limit: item_page_rows_for_user(
                        user=request.user,
                        product_id=None if product is None else int(product),
                        field=field,
                        desc=desc,
                        cursor=cursor,
                        limit=limit,
                    ),
                )
                found, rows = bool(rows), fragment(rows)
            if not found:
                self.check_product_filter(request)
            return self.paginator.get_paginated_response(rows)
        queryset = self.filter_queryset(self.scope(BacklogItem.objects.all()))
        fetch = _fetch_rows if postgres else _fetch_rows_portable
        rows = self.paginator.paginate_queryset(queryset, request, view=self, fetch=fetch)
        if not rows:
            self.check_product_filter(request)
        return self.paginator.get_paginated_response(rows)

    @staticmethod
    def is_plain_page(request) -> bool:
        """A page of the whole list or of one product (the common case of paging a backlog): no filter
        but ?product=<id>, no search. It is served by one statement written once (item_page_rows_for_user)
        rather than a queryset built and compiled on every request; anything else takes the ORM path.
        """
        params = request.query_params
        if not set(params) <= PLAIN_PAGE_PARAMS or any(len(params.getlist(name)) > 1 for name in params):
            return False
        product = params.get("product")
        return product is None or parse_id(product) is not None

    def check_product_filter(self, request) -> None:
        """?product= of another workspace is a 400 (like every other related filter), not an empty list.

        Checked only when nothing was found: rows found through the workspace scope prove the
        product is the user's.
        """
        value = request.query_params.get("product")
        if not value:
            return
        product_id = parse_id(value)
        if product_id is None:
            raise exceptions.ValidationError({"product": ["Enter an id: a whole number like 42."]})
        if not products_for_user(user=request.user).filter(pk=product_id).exists():
            raise exceptions.ValidationError(
                {"product": ["Select a valid choice. That choice is not one of the available choices."]}
            )

    def retrieve(self, request, *args, **kwargs):
        """One item: the statement of item_row_for_user, rendered by orjson (as ItemSerializer would, a
        test compares them). Not an item of the caller's workspaces (nor an id): 404."""
        if connection.vendor != "postgresql":
            return super().retrieve(request, *args, **kwargs)
        return self.item_response(parse_id(kwargs[self.lookup_url_kwarg or self.lookup_field]))

    def get_object(self):
        """For a write or a move: the item, its product and the caller's role in its workspace, read by one
        statement written once (item_for_write; row-locked for update and delete), as the querysets of
        ResourceViewSet.get_queryset would read them. Not an item of the caller's workspaces: 404."""
        if connection.vendor != "postgresql" or self.action not in {*WRITE_ACTIONS, "move"}:
            return super().get_object()
        item_id = parse_id(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        lock = self.action in WRITE_ACTIONS
        item = None if item_id is None else item_for_write(user=self.request.user, item_id=item_id, lock=lock)
        if item is None:
            raise Http404
        self.check_object_permissions(self.request, item)
        return item

    def item_response(self, item_id: int | None, status_code=status.HTTP_200_OK) -> Response:
        row = None if item_id is None else item_row_for_user(user=self.request.user, item_id=item_id)
        if row is None:
            raise Http404
        response = Response(fragment(row), status=status_code)
        response["ETag"] = etag(SimpleNamespace(version=row["version"]))
        return response

    # ---- writes ----------------------------------------------------------------------------------
    def respond(self, obj, status_code=status.HTTP_200_OK) -> Response:
        """The written item as the detail shows it: one plain-row query (one more if it has criteria)."""
        if connection.vendor != "postgresql":
            return super().respond(obj, status_code)
        return self.item_response(obj.pk, status_code)

    def create_service(self, *, data, access, actor):
        data = dict(data)
        criteria = data.pop("acceptance_criteria", None)
        labels = data.pop("labels", None)
        item = item_create(instance=BacklogItem(**data), actor=actor, labels=labels)
        if criteria is not None:
            item_criteria_sync(item=item, criteria=criteria, actor=actor)
        return item

    def update_service(self, *, obj, data, access, actor):
        data = dict(data)
        criteria = data.pop("acceptance_criteria", None)
        item = item_update(item=obj, data=data, actor=actor)
        if criteria is not None:
            item_criteria_sync(item=item, criteria=criteria, actor=actor)
        return item

    def delete_service(self, *, obj, access, actor):
        item_delete(item=obj, actor=actor)

    @extend_schema(
        request=ItemMoveSerializer,
        parameters=[IF_MATCH],
        responses={
            200: ItemSerializer,
            412: OpenApiResponse(description="The item changed since the version in If-Match; nothing moved."),
        },
        description='Move the item in its product\'s manual order: `{"before": id}`, `{"after": id}`, '
        '`{"position": "top"}` or `{"position": "bottom"}`. Writes the moved row only; '
        "safe under concurrent moves. With If-Match, an item changed since that version is not moved (412, "
        "with the current item). Needs the rank_items capability (product owner, admin).",
    )
    @action(detail=True, methods=["post"])
    @retry_on_conflict
    def move(self, request, pk=None):
        item = self.get_object()
        access = self.access_to(item.product.workspace_id, item)
        access.require(Capability.RANK_ITEMS)
        serializer = ItemMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = if_match_version(request)
        try:
            item = item_move(item=item, actor=request.user, version=version, **serializer.validated_data)
        except StaleWriteError as error:
            raise PreconditionFailed(self.get_serializer(self.refetch(error.current)).data) from error
        return self.respond(item)

    @extend_schema(
        request=ItemBulkSerializer,
        responses={200: ItemBulkResultSerializer},
        description="Create or update up to 500 items in one transaction: all or nothing. A 400 lists the "
        'errors of each failing row by its index: `{errors: {items: {"3": {title: [...]}}}}`.' + rules_text(ITEM_RULES),
    )
    @action(detail=False, methods=["post"])
    @retry_on_conflict
    def bulk(self, request):
        body = ItemBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entries = [dict(entry) for entry in body.validated_data["items"]]
        ids = [e["id"] for e in entries if _is_id(e.get("id"))]
        found = {item.pk: item for item in self.scope(BacklogItem.objects.select_related("product")).filter(pk__in=ids)}
        rows, errors, allowed = [], {}, set()
        for index, entry in enumerate(entries):
            item, version = None, entry.pop("version", None)
            if version is not None and not (_is_id(version) and version >= 1):
                errors[index] = {"version": ["The version you read: a whole number like 3."]}
                continue
            if "id" in entry:
                item_id = entry.pop("id")
                item = found.get(item_id) if _is_id(item_id) else None
                if item is None:
                    errors[index] = {"id": ["No such item in your workspaces."]}
                    continue
            elif version is not None:
                errors[index] = {"version": ["Only a row with an id (an update) carries a version."]}
                continue
            serializer = ItemSerializer(
                item, data=entry, partial=item is not None, context=self.get_serializer_context()
            )
            if not serializer.is_valid():
                errors[index] = serializer.errors
                continue
            product = item.product if item is not None else serializer.validated_data["product"]
            if product.workspace_id not in allowed:
                self.access_to(product.workspace_id).require(Capability.EDIT_ITEMS)
                allowed.add(product.workspace_id)
            rows.append({"item": item, "data": serializer.validated_data, "version": version})
        if errors:
            raise exceptions.ValidationError({"items": errors})
        saved = items_bulk_save(rows=rows, actor=request.user)
        by_id = {i.pk: i for i in self.base_queryset().filter(pk__in=[i.pk for i in saved])}
        return Response({"items": ItemSerializer([by_id[i.pk] for i in saved], many=True).data})

    @extend_schema(
        description="The backlog as CSV, in rank order, with the same filters as the list.",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, one item a row.")},
    )
    @action(detail=False, methods=["get"], renderer_classes=[CSVRenderer, ORJSONRenderer], pagination_class=None)
    @method_decorator(use_replica)
    def export(self, request):
        qs = self.filter_queryset(self.scope(BacklogItem.objects.all())).order_by("product_id", "rank")
        self.check_product_filter(request)
        custom = field_keys_for_workspaces(workspace_ids=workspace_ids_for_user(user=request.user), target="item")
        header, rows = item_export_rows(qs, custom_keys=custom)
        response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="backlog.csv"'
        return response


@resource_docs("sprints", "Filter with ?product=, ?workspace= or ?status=.", rules=SPRINT_RULES)
class SprintViewSet(ResourceViewSet):
    model = Sprint
    serializer_class = SprintSerializer
    capability = Capability.MANAGE_SPRINTS
    search_fields = ["name"]
    ordering_fields = ["start_date", "name", "created_at", "updated_at"]
    ordering = ["start_date", "id"]
    filterset_class = make_filterset(Sprint, ["product", "status"], "product__workspace")

    def _lifecycle(self, request):
        sprint = self.get_object()
        self.access_to(sprint.product.workspace_id).require(Capability.MANAGE_SPRINTS)
        return sprint

    @extend_schema(
        request=None,
        responses={200: SprintSerializer},
        description="Start a planned sprint: its items now are the burndown's baseline. One active sprint per "
        "product unless the product allows parallel sprints. Needs manage_sprints.",
    )
    @action(detail=True, methods=["post"])
    @retry_on_conflict
    def start(self, request, pk=None):
        with transaction.atomic():
            sprint = sprint_start(sprint=self._lifecycle(request), actor=request.user)
        return self.respond(sprint)

    @extend_schema(
        request=SprintCompleteSerializer,
        responses={200: SprintSerializer},
        description="Complete an active sprint and move its unfinished items (one transaction) to the next "
        "sprint, a new sprint or the backlog. Needs manage_sprints."
        + rules_text(["Only an active sprint can be completed.", 'Invalid pk "…" - object does not exist.']),
    )
    @action(detail=True, methods=["post"])
    @retry_on_conflict
    def complete(self, request, pk=None):
        with transaction.atomic():
            sprint = self._lifecycle(request)
            data = SprintCompleteSerializer(data=request.data, context=self.get_serializer_context())
            data.is_valid(raise_exception=True)
            sprint = sprint_complete(sprint=sprint, actor=request.user, **data.validated_data)
        return self.respond(sprint)

    @extend_schema(responses={200: BurndownSerializer}, description="Burndown and burnup from the sprint's history.")
    @action(detail=True, methods=["get"])
    def burndown(self, request, pk=None):
        sprint = self.get_object()
        chart = sprint_burndown(sprint=sprint)
        span = max(len(chart.days) - 1, 1)
        body = {
            "sprint": sprint.pk,
            "status": sprint.status,
            "committed": chart.total,
            "from_history": chart.from_history,
            "added": chart.added,
            "removed": chart.removed,
            "reestimated": chart.reestimated,
            "scope_creep": chart.scope_creep,
            "ideal": [round(chart.total * (1 - i / span), 2) for i in range(len(chart.days))],
            "days": [{"day": d.day, "scope": d.scope, "done": d.done, "remaining": d.remaining} for d in chart.series],
            "date_warnings": sprint_date_warnings(sprint=sprint),
        }
        return Response(BurndownSerializer(body).data)

    @extend_schema(responses={200: SprintReviewSerializer}, description="The sprint review and its summary.")
    @action(detail=True, methods=["get"])
    def review(self, request, pk=None):
        return Response(SprintReviewSerializer(sprint_review(sprint=self.get_object())).data)

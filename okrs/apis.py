"""API v1: objectives, key results (with check-ins), KPIs and measurements."""

import django_filters
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter

from core.pagination import KeysetPagination
from core.schema import resource_docs
from workspaces.models import Capability, Workspace
from workspaces.selectors import workspace_ids_for_user
from workspaces.viewsets import ResourceViewSet, WorkspaceFilter, make_filterset

from .models import KPI, KeyResult, Measurement, Objective
from .serializers import (
    CheckInSerializer,
    KeyResultSerializer,
    KPISerializer,
    MeasurementSerializer,
    ObjectiveSerializer,
)
from .services.key_results import key_result_check_in, key_result_create, key_result_delete, key_result_update
from .services.measurements import measurement_create, measurement_delete
from .services.objectives import objective_create, objective_delete, objective_update


@resource_docs("objectives", "Filter with ?workspace=, ?product=, ?parent=, ?period=, ?owner=.")
class ObjectiveViewSet(ResourceViewSet):
    model = Objective
    serializer_class = ObjectiveSerializer
    workspace_path = "workspace"
    parent_field = "workspace"
    capability = Capability.EDIT_STRATEGY
    search_fields = ["title"]
    ordering_fields = ["period", "title", "created_at", "updated_at"]
    ordering = ["period", "title", "id"]
    filterset_class = make_filterset(Objective, ["workspace", "product", "parent", "period", "owner"])

    def create_service(self, *, data, access, actor):
        return objective_create(instance=Objective(**data), actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return objective_update(objective=obj, data=dict(data), actor=actor)

    def delete_service(self, *, obj, access, actor):
        objective_delete(objective=obj, actor=actor)


@resource_docs("key results", "Filter with ?workspace=, ?objective=, ?kpi=, ?period= (of the objective).")
class KeyResultViewSet(ResourceViewSet):
    model = KeyResult
    serializer_class = KeyResultSerializer
    workspace_path = "objective__workspace"
    parent_field = "objective"
    capability = Capability.EDIT_STRATEGY
    select_related = ("objective",)
    search_fields = ["title"]
    ordering_fields = ["title", "created_at", "updated_at"]
    ordering = ["objective_id", "id"]
    filterset_class = make_filterset(
        KeyResult,
        ["objective", "kpi"],
        "objective__workspace",
        period=django_filters.CharFilter(field_name="objective__period"),
    )

    def create_service(self, *, data, access, actor):
        return key_result_create(instance=KeyResult(**data), actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return key_result_update(key_result=obj, data=dict(data), actor=actor)

    def delete_service(self, *, obj, access, actor):
        key_result_delete(key_result=obj, actor=actor)

    @extend_schema(
        request=CheckInSerializer,
        responses={201: KeyResultSerializer},
        description="Record a check-in (value and confidence); the key result's current value follows it. "
        "Sends the key_result.checked_in webhook event.",
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        key_result = self.get_object()
        access = self.access_to(key_result.objective.workspace_id)
        access.require(Capability.EDIT_STRATEGY)
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key_result_check_in(key_result=key_result, actor=request.user, **serializer.validated_data)
        return self.respond(key_result, status.HTTP_201_CREATED)


@resource_docs("KPIs", "Filter with ?product=, ?workspace=, ?direction=.")
class KPIViewSet(ResourceViewSet):
    model = KPI
    serializer_class = KPISerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["name"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "id"]
    filterset_class = make_filterset(KPI, ["product", "direction"], "product__workspace")


@resource_docs(
    "measurements (KPI values and key-result check-ins)",
    "Cursor-paginated, newest first (`page_size` up to 500). Filter with ?kpi= or ?key_result=.",
)
class MeasurementViewSet(ResourceViewSet):
    model = Measurement
    serializer_class = MeasurementSerializer
    capability = Capability.EDIT_STRATEGY
    http_method_names = ["get", "post", "delete", "head", "options"]
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_class = make_filterset(
        Measurement,
        ["kpi", "key_result"],
        workspace=WorkspaceFilter(queryset=Workspace.objects.all(), method="in_workspace"),
    )
    search_fields = ["note"]
    pagination_class = KeysetPagination
    keyset_orderings = ("-measured_at", "measured_at", "-created_at", "created_at")
    keyset_default = "-measured_at"

    def scope(self, qs):
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        workspaces = workspace_ids_for_user(user=self.request.user)
        return qs.filter(Q(kpi__product__workspace__in=workspaces) | Q(key_result__objective__workspace__in=workspaces))

    def base_queryset(self):
        return Measurement.objects.select_related("kpi__product", "key_result__objective")

    def workspace_id_of(self, obj) -> int:
        return obj.kpi.product.workspace_id if obj.kpi_id else obj.key_result.objective.workspace_id

    def parent_workspace_id(self, data) -> int:
        if data.get("kpi") is not None:
            return data["kpi"].product.workspace_id
        return data["key_result"].objective.workspace_id

    def create_service(self, *, data, access, actor):
        if data.get("kpi") is not None:
            return measurement_create(
                kpi=data["kpi"],
                value=data["value"],
                measured_at=data.get("measured_at"),
                note=data.get("note", ""),
                actor=actor,
            )
        return key_result_check_in(
            key_result=data["key_result"],
            value=data["value"],
            confidence=data["confidence"],
            note=data.get("note", ""),
            measured_at=data.get("measured_at"),
            actor=actor,
        )

    def delete_service(self, *, obj, access, actor):
        measurement_delete(measurement=obj, actor=actor)

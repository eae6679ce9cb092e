"""API v1: themes, releases and initiatives (the roadmap), with a CSV export of the roadmap."""

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action

from core.csv import csv_text
from core.renderers import CSVRenderer, ORJSONRenderer
from core.schema import resource_docs
from okrs.models import KPI, KeyResult
from workspaces.models import Capability
from workspaces.viewsets import ResourceViewSet, make_filterset

from .models import INITIATIVE_RULES, Initiative, Release, Theme
from .selectors.initiatives import initiatives_with_outcome_flag
from .serializers import InitiativeSerializer, ReleaseSerializer, ThemeSerializer
from .services.initiatives import initiative_create, initiative_delete, initiative_update
from .services.releases import release_create, release_update


@resource_docs("themes", "Filter with ?product= or ?workspace=.")
class ThemeViewSet(ResourceViewSet):
    model = Theme
    serializer_class = ThemeSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["name"]
    ordering_fields = ["name", "order", "created_at", "updated_at"]
    ordering = ["order", "name", "id"]
    filterset_class = make_filterset(Theme, ["product"], "product__workspace")


@resource_docs("releases", "Filter with ?product=, ?workspace= or ?status=.")
class ReleaseViewSet(ResourceViewSet):
    model = Release
    serializer_class = ReleaseSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["name"]
    ordering_fields = ["name", "target_date", "created_at", "updated_at"]
    ordering = ["target_date", "name", "id"]
    filterset_class = make_filterset(Release, ["product", "status"], "product__workspace")

    def create_service(self, *, data, access, actor):
        return release_create(instance=Release(**data), actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return release_update(release=obj, data=dict(data), actor=actor)


@resource_docs(
    "initiatives (the roadmap)",
    "Filter with ?product=, ?workspace=, ?theme=, ?release=, ?horizon=, ?status=.",
    rules=[*INITIATIVE_RULES, "Unknown custom fields: …"],
)
class InitiativeViewSet(ResourceViewSet):
    model = Initiative
    serializer_class = InitiativeSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["title"]
    ordering_fields = ["rank", "title", "start_date", "end_date", "created_at", "updated_at"]
    ordering = ["rank", "id"]
    filterset_class = make_filterset(
        Initiative, ["product", "theme", "release", "horizon", "status"], "product__workspace"
    )

    def base_queryset(self):
        return initiatives_with_outcome_flag(Initiative.objects.all()).prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.only("id")),
            Prefetch("kpis", queryset=KPI.objects.only("id")),
            Prefetch("depends_on", queryset=Initiative.objects.only("id")),
        )

    def create_service(self, *, data, access, actor):
        data, m2m = self.split_m2m(dict(data))
        return initiative_create(instance=Initiative(**data), actor=actor, m2m=m2m)

    def update_service(self, *, obj, data, access, actor):
        data, m2m = self.split_m2m(dict(data))
        return initiative_update(initiative=obj, data=data, m2m=m2m)

    def delete_service(self, *, obj, access, actor):
        initiative_delete(initiative=obj, actor=actor)

    @extend_schema(
        description="The roadmap as CSV (the same filters as the list).",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, one initiative a row.")},
    )
    @action(detail=False, methods=["get"], renderer_classes=[CSVRenderer, ORJSONRenderer], pagination_class=None)
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset()).select_related("product", "theme", "release")
        header = ["id", "product", "title", "theme", "horizon", "status", "start_date", "end_date", "release"]
        rows = (
            [
                i.pk,
                i.product.key,
                i.title,
                i.theme or "",
                i.horizon,
                i.status,
                i.start_date or "",
                i.end_date or "",
                i.release or "",
            ]
            for i in qs
        )
        response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="roadmap.csv"'
        return response

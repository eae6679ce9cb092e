from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import validated
from okrs.periods import period_validator
from products.selectors import api_product_access
from workspaces.viewsets import api_workspace_access

from .selectors import dashboard_figures, default_period


class DashboardInput(serializers.Serializer):
    period = serializers.CharField(max_length=7, required=False, validators=[period_validator])


DASHBOARD_SCHEMA = extend_schema(
    parameters=[
        OpenApiParameter("period", str, description="2027, 2027-H1 or 2027-Q1; the current quarter if left out")
    ],
    responses=OpenApiTypes.OBJECT,
)


@DASHBOARD_SCHEMA
class WorkspaceDashboardApi(APIView):
    """The workspace dashboard's figures for a period (`?period=2027-Q1`, the current quarter by default)."""

    def get(self, request, workspace_id: int):
        access = api_workspace_access(request, workspace_id)
        data = validated(DashboardInput, request.query_params)
        return Response(dashboard_figures(access=access, period=data.get("period") or default_period()))


@DASHBOARD_SCHEMA
class ProductDashboardApi(APIView):
    """A product dashboard's figures for a period (`?period=2027-Q1`, the current quarter by default)."""

    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        data = validated(DashboardInput, request.query_params)
        return Response(dashboard_figures(access=access, period=data.get("period") or default_period()))

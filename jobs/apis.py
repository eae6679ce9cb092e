"""API v1: background jobs (read-only), so integrations can follow a job's state and progress."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from workspaces.viewsets import ResourceViewSet, make_filterset

from .models import Job
from .serializers import JobSerializer


@extend_schema_view(
    list=extend_schema(
        description="Background jobs of your workspaces, newest first. Filter with ?workspace=, "
        "?product=, ?state=, ?kind=."
    ),
    retrieve=extend_schema(description="One job: its state, progress (0–100), result or error."),
)
class JobViewSet(ResourceViewSet):
    model = Job
    serializer_class = JobSerializer
    workspace_path = "workspace"
    http_method_names = ["get", "head", "options"]
    ordering_fields = ["created_at", "finished_at"]
    ordering = ["-created_at", "-id"]
    search_fields = ["kind"]
    filterset_class = make_filterset(Job, ["workspace", "product", "state", "kind"])

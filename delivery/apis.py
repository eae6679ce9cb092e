"""API v1 of delivery planning: forecasts, the release plan, launch checklists and outcome reviews."""

import django_filters
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.db import retry_on_conflict
from core.schema import resource_docs
from core.serializers import validated
from products.models import Product
from products.selectors import api_product_access
from workspaces.models import Capability
from workspaces.viewsets import ResourceViewSet, make_filterset

from .models import REVIEW_DELAY_DAYS_MAX, ChecklistTemplateTask, LaunchTask, OutcomeReview
from .selectors.release_plan import release_plan
from .selectors.scopes import scope_forecast
from .serializers import (
    ChecklistTemplateTaskSerializer,
    ForecastInput,
    ForecastSerializer,
    FromTemplateSerializer,
    LaunchTaskSerializer,
    OutcomeRecordSerializer,
    OutcomeReviewSerializer,
    ReleasePlanRowSerializer,
)
from .services.checklists import (
    launch_checklist_from_template,
    launch_task_create,
    launch_task_update,
    template_task_create,
)
from .services.outcomes import (
    outcome_review_delete,
    outcome_review_draft,
    outcome_review_record,
    outcome_review_reschedule,
)


class ForecastApi(APIView):
    @extend_schema(
        parameters=[ForecastInput],
        responses={200: ForecastSerializer},
        description="Monte Carlo forecast of a scope of the product (an epic, an initiative, a release or the top N "
        "of the backlog) from its daily throughput history: P50/P85/P95 dates when the work is done, and with "
        "?by= the P50/P85/P95 number of items done by that date. Caveats (thin or no history) are stated.",
    )
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        data = validated(ForecastInput, request.query_params)
        _, result = scope_forecast(product=access.product, params=data)
        return Response(ForecastSerializer(result).data)


class ReleasePlanApi(APIView):
    @extend_schema(
        responses={200: ReleasePlanRowSerializer(many=True)},
        description="Every release of the product in target order: scope, progress, change since the baseline, "
        "launch readiness, a forecast (on the work left in it and in the releases before it) and its risk.",
    )
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        return Response(ReleasePlanRowSerializer(release_plan(product=access.product), many=True).data)


@resource_docs("launch checklist tasks of releases", "Filter with ?release=, ?product=, ?done= or ?workspace=.")
class LaunchTaskViewSet(ResourceViewSet):
    model = LaunchTask
    serializer_class = LaunchTaskSerializer
    workspace_path = "release__product__workspace"
    parent_field = "release"
    capability = Capability.EDIT_STRATEGY
    select_related = ("release__product",)
    ordering = ["order", "id"]
    filterset_class = make_filterset(
        LaunchTask,
        ["release", "done"],
        "release__product__workspace",
        product=django_filters.ModelChoiceFilter(field_name="release__product", queryset=Product.objects.all()),
    )

    def parent_workspace_id(self, data: dict) -> int:
        return data["release"].product.workspace_id

    def create_service(self, *, data, access, actor):
        return launch_task_create(instance=LaunchTask(**data), actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return launch_task_update(task=obj, data=dict(data))

    @extend_schema(
        request=FromTemplateSerializer,
        responses={200: LaunchTaskSerializer(many=True)},
        description="Add the workspace's launch checklist template to a release (tasks it lacks, by title), due "
        "their number of days before its target date.",
    )
    @action(detail=False, methods=["post"], url_path="from-template", pagination_class=None)
    @retry_on_conflict
    def from_template(self, request):
        data = validated(FromTemplateSerializer, request.data, context=self.get_serializer_context())
        release = data["release"]
        with transaction.atomic():
            self.access_to(release.product.workspace_id).require(Capability.EDIT_STRATEGY)
            made = launch_checklist_from_template(release=release, actor=request.user)
        return Response(LaunchTaskSerializer(made, many=True).data)


@resource_docs("launch checklist template tasks of workspaces", "Filter with ?workspace=.")
class ChecklistTemplateTaskViewSet(ResourceViewSet):
    model = ChecklistTemplateTask
    serializer_class = ChecklistTemplateTaskSerializer
    workspace_path = "workspace"
    parent_field = "workspace"
    capability = Capability.EDIT_STRATEGY
    ordering = ["order", "id"]
    filterset_class = make_filterset(ChecklistTemplateTask, ["workspace"])

    def create_service(self, *, data, access, actor):
        return template_task_create(instance=ChecklistTemplateTask(**data), actor=actor)


@resource_docs(
    "outcome reviews of shipped initiatives and releases",
    "Filter with ?product=, ?status=, ?initiative=, ?release= or ?workspace=. PATCH `due_on` to choose when it "
    "is asked for, `verdict` and `learning` (or POST …/record/) to record it; delete the review of work shipped "
    "by mistake.",
    rules=[f"Pick a day from the shipping day to {REVIEW_DELAY_DAYS_MAX} days after it."],
)
class OutcomeReviewViewSet(ResourceViewSet):
    model = OutcomeReview
    serializer_class = OutcomeReviewSerializer
    capability = Capability.EDIT_STRATEGY
    select_related = ("product",)
    http_method_names = ["get", "patch", "post", "delete", "head", "options"]
    ordering = ["due_on", "id"]
    filterset_class = make_filterset(
        OutcomeReview, ["product", "status", "initiative", "release"], "product__workspace"
    )

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        return Response({"detail": "Reviews are scheduled when work ships."}, status=405)

    def delete_service(self, *, obj, access, actor):
        outcome_review_delete(review=obj)

    def update_service(self, *, obj, data, access, actor):
        if "due_on" in data:
            obj = outcome_review_reschedule(review=obj, due_on=data["due_on"])
        if "verdict" in data or "learning" in data:
            verdict, learning = data.get("verdict", obj.verdict), data.get("learning", obj.learning)
            if verdict:
                obj = outcome_review_record(review=obj, verdict=verdict, learning=learning, actor=actor)
            else:  # notes drafted before the verdict
                obj = outcome_review_draft(review=obj, learning=learning)
        return obj

    @extend_schema(
        request=OutcomeRecordSerializer,
        responses={200: OutcomeReviewSerializer},
        description="Record the verdict (worked, partly, did not) and the learning; keeps whether a linked "
        "metric moved the right way. Needs edit_strategy (product manager, admin).",
    )
    @action(detail=True, methods=["post"])
    @retry_on_conflict
    def record(self, request, pk=None):
        review = self.get_object()
        data = validated(OutcomeRecordSerializer, request.data)
        with transaction.atomic():
            self.access_to(review.product.workspace_id).require(Capability.EDIT_STRATEGY)
            review = outcome_review_record(review=review, actor=request.user, **data)
        return self.respond(review)

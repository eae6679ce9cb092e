"""REST endpoints of prioritisation (/api/v1/products/{id}/…): runs, rankings, matrix, MoSCoW, scenarios.

Each answer is rendered by an output serializer of prioritization.serializers, which also documents it.
"""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backlog.models import MoSCoW
from core.schema import rules_text
from core.serializers import StrictSerializerMixin, validated
from products.selectors import api_product_access
from workspaces.models import Capability

from . import selectors, services
from .models import Framework, PrioritySettings
from .serializers import (
    SETTINGS_FIELDS,
    JobOutput,
    MatrixOutput,
    MoscowAppliedOutput,
    MoscowProposalOutput,
    RankingPage,
    ScenarioDetailOutput,
    ScenarioOutput,
    ScenarioPage,
    SettingsChangedOutput,
    SettingsOutput,
    SnapshotPage,
    UnscoredPage,
    page_data,
)
from .services.apply import UNDO_RULES

RUN = Capability.EDIT_STRATEGY
APPLY_MOSCOW = Capability.RANK_ITEMS
APPLY_RANKING = Capability.RANK_ITEMS  # ordering the backlog is the product owner's
MOVES_SHOWN = 500


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class PrioritizeApi(APIView):
    @extend_schema(
        request=None,
        responses={202: JobOutput},
        description="Start a full re-score of the product; poll the returned job for state and progress.",
    )
    def post(self, request, product_id: int):
        access = api_product_access(request, product_id, RUN)
        job = services.product_reprioritise_start(product=access.product, actor=request.user)
        return Response(JobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class RankingQuery(serializers.Serializer):
    framework = serializers.ChoiceField(choices=Framework.choices, required=False)
    sort = serializers.ChoiceField(choices=["score", "gap"], required=False, default="score")


def _filtered_items(request, access):
    items = selectors.items_for_ranking(product=access.product)
    filterset = selectors.RankingFilter(request.query_params, queryset=items, access=access)
    if not filterset.is_valid():
        raise serializers.ValidationError(filterset.errors)
    items = filterset.qs
    if not request.query_params.get("status"):  # finished work leaves the ranking, as on the page
        items = items.filter(status__in=selectors.OPEN_STATUSES)
    return items, bool(filterset.form.has_changed())


class RankingApi(APIView):
    @extend_schema(
        parameters=[RankingQuery],
        responses={200: RankingPage},
        description=(
            "Scored open items best first, with each score's breakdown and its gap to the manual order. "
            "Done, accepted and rejected items have left the ranking unless a status is asked for."
        ),
    )
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        query = validated(RankingQuery, request.query_params)
        framework = selectors.framework_or_default(product=access.product, framework=query.get("framework"))
        items, filtered = _filtered_items(request, access)
        # Rows of the page only; positions, counts and the gap order once per version of the figures.
        ranked = selectors.RankedItems(product=access.product, items=items, framework=framework, sort=query["sort"])
        paginator = Pages()
        page = paginator.paginate_queryset(ranked, request, view=self)
        snapshot = selectors.snapshot_latest(product=access.product, framework=framework)
        shown_ids = [item.pk for item in page]
        positions = {} if filtered else selectors.snapshot_positions(snapshot=snapshot, item_ids=shown_ids)
        criteria = selectors.criteria_for_framework(product=access.product, framework=framework)
        rows = selectors.rows_for(items=page, framework=framework, criteria=criteria, snapshot_positions=positions)
        snapshot_id = snapshot.pk if snapshot else None
        return Response(RankingPage(page_data(paginator, rows, framework=framework, snapshot_id=snapshot_id)).data)


class UnscoredApi(APIView):
    @extend_schema(
        parameters=[RankingQuery],
        responses={200: UnscoredPage},
        description="Open items a framework cannot score, with what is missing (any status when one is asked for).",
    )
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        query = validated(RankingQuery, request.query_params)
        framework = selectors.framework_or_default(product=access.product, framework=query.get("framework"))
        items, _ = _filtered_items(request, access)
        paginator = Pages()
        page = paginator.paginate_queryset(selectors.unscored(items=items, framework=framework), request, view=self)
        criteria = selectors.criteria_for_framework(product=access.product, framework=framework)
        rows = selectors.rows_for(items=page, framework=framework, criteria=criteria)
        return Response(UnscoredPage(page_data(paginator, rows, framework=framework)).data)


class MatrixApi(APIView):
    @extend_schema(responses={200: MatrixOutput}, description="The value-versus-effort matrix of the product.")
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        return Response(MatrixOutput(selectors.matrix(product=access.product)).data)


class MoscowQuery(serializers.Serializer):
    framework = serializers.ChoiceField(choices=Framework.choices, required=False)
    release = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    sprint = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    capacity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False)


class MoscowProposalApi(APIView):
    class Input(serializers.Serializer):
        assignments = serializers.DictField(child=serializers.ChoiceField(choices=MoSCoW.choices), allow_empty=False)

    @extend_schema(
        parameters=[MoscowQuery],
        responses={200: MoscowProposalOutput},
        description="MoSCoW candidates (open items of a release, a sprint or the backlog), the capacity check "
        "and a proposed split by score that fits the capacity.",
    )
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        query = validated(MoscowQuery, request.query_params)
        product = access.product
        release = get_object_or_404(product.releases, pk=query["release"]) if "release" in query else None
        sprint = get_object_or_404(product.sprints, pk=query["sprint"]) if "sprint" in query else None
        framework = selectors.framework_or_default(product=product, framework=query.get("framework"))
        view = selectors.moscow(
            product=product, framework=framework, capacity=query.get("capacity"), release=release, sprint=sprint
        )
        return Response(MoscowProposalOutput(view).data)

    @extend_schema(
        request=Input,
        responses={200: MoscowAppliedOutput},
        description="Apply MoSCoW categories to items, given as {item id: category} (product owner).",
    )
    def post(self, request, product_id: int):
        access = api_product_access(request, product_id, APPLY_RANKING)
        data = validated(self.Input, request.data)
        try:
            assignments = {int(k): v for k, v in data["assignments"].items()}
        except ValueError:
            raise serializers.ValidationError({"assignments": ["Items are given by their id."]}) from None
        changed = services.moscow_apply(product=access.product, assignments=assignments, actor=request.user)
        return Response(MoscowAppliedOutput({"changed": changed}).data)


class SettingsApi(APIView):
    class Input(serializers.ModelSerializer):
        class Meta:
            model = PrioritySettings
            fields = SETTINGS_FIELDS

    @extend_schema(responses={200: SettingsOutput}, description="The product's prioritisation settings.")
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        return Response(SettingsOutput(selectors.settings_for(product=access.product)).data)

    @extend_schema(
        request=Input,
        responses={200: SettingsChangedOutput},
        description="Change the product's prioritisation settings; a change starts a re-score job.",
    )
    def patch(self, request, product_id: int):
        access = api_product_access(request, product_id, RUN)
        data = validated(self.Input, request.data, partial=True)
        current, job = services.settings_update(product=access.product, data=data, actor=request.user)
        return Response(SettingsChangedOutput(current, context={"job": job}).data)


def _scenario_detail(scenario) -> dict:
    moves = selectors.scenario_moves(scenario=scenario)[:MOVES_SHOWN]
    return ScenarioDetailOutput(scenario, context={"moves": moves}).data


class ScenarioInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    framework = serializers.ChoiceField(choices=Framework.choices, default=Framework.RICE)
    weights = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2), required=False)
    item_inputs = serializers.DictField(child=serializers.DictField(allow_empty=False), required=False)


class ScenarioListApi(APIView):
    @extend_schema(
        responses={200: ScenarioPage},
        description="The product's what-if scenarios, newest first.",
        operation_id="products_scenarios_list",
    )
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        paginator = Pages()
        page = paginator.paginate_queryset(selectors.scenario_list(product=access.product), request, view=self)
        return Response(ScenarioPage(page_data(paginator, page)).data)

    @extend_schema(
        request=ScenarioInput,
        responses={201: ScenarioDetailOutput},
        description="Create a scenario; the answer shows the moves it would cause.",
    )
    def post(self, request, product_id: int):
        access = api_product_access(request, product_id, RUN)
        data = validated(ScenarioInput, request.data)
        scenario = services.scenario_create(product=access.product, actor=request.user, **data)
        return Response(_scenario_detail(scenario), status=status.HTTP_201_CREATED)


class ScenarioApiBase(APIView):
    def scenario(self, request, product_id: int, pk: int, capability: str | None = None):
        access = api_product_access(request, product_id, capability)
        return get_object_or_404(selectors.scenario_list(product=access.product), pk=pk)


class ScenarioDetailApi(ScenarioApiBase):
    @extend_schema(responses={200: ScenarioDetailOutput}, description="One scenario with the moves it would cause.")
    def get(self, request, product_id: int, pk: int):
        return Response(_scenario_detail(self.scenario(request, product_id, pk)))

    @extend_schema(
        request=ScenarioInput,
        responses={200: ScenarioDetailOutput},
        description="Change a scenario (its item_inputs are replaced as a whole); live data is untouched.",
    )
    def patch(self, request, product_id: int, pk: int):
        scenario = self.scenario(request, product_id, pk, RUN)
        data = validated(ScenarioInput, request.data, partial=True)
        scenario = services.scenario_update(scenario=scenario, data=data, actor=request.user)
        return Response(_scenario_detail(scenario))


class ScenarioItemInputs(StrictSerializerMixin, serializers.Serializer):
    """The inputs of one item to change in a scenario; null or "" makes an input missing."""

    def get_fields(self):
        return {
            name: serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=30)
            for name in selectors.SCENARIO_INPUTS
        }


class ScenarioItemInputApi(ScenarioApiBase):
    @extend_schema(
        request=ScenarioItemInputs,
        responses={200: ScenarioDetailOutput},
        description="Change inputs of one item in the scenario, keeping its other changed inputs.",
    )
    def patch(self, request, product_id: int, pk: int, item_id: int):
        scenario = self.scenario(request, product_id, pk, RUN)
        changes = validated(ScenarioItemInputs, request.data)
        scenario = services.scenario_item_input_set(
            scenario=scenario, item_id=item_id, changes=dict(changes), actor=request.user
        )
        return Response(_scenario_detail(scenario))

    @extend_schema(responses={204: None}, description="Drop every changed input of one item from the scenario.")
    def delete(self, request, product_id: int, pk: int, item_id: int):
        scenario = self.scenario(request, product_id, pk, RUN)
        services.scenario_item_input_remove(scenario=scenario, item_id=item_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScenarioApplyApi(ScenarioApiBase):
    @extend_schema(
        request=None,
        responses={202: JobOutput},
        description="Write the scenario's inputs and weights to live data, then re-score the product (a job).",
    )
    def post(self, request, product_id: int, pk: int):
        scenario = self.scenario(request, product_id, pk, RUN)
        job = services.scenario_apply(scenario=scenario, actor=request.user)
        return Response(JobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class ScenarioDiscardApi(ScenarioApiBase):
    @extend_schema(
        request=None, responses={200: ScenarioOutput}, description="Discard the scenario; live data is unchanged."
    )
    def post(self, request, product_id: int, pk: int):
        scenario = self.scenario(request, product_id, pk, RUN)
        services.scenario_discard(scenario=scenario, actor=request.user)
        scenario.refresh_from_db()
        return Response(ScenarioOutput(scenario).data)


class SnapshotListApi(APIView):
    @extend_schema(responses={200: SnapshotPage}, description="Past runs, newest first (without their rankings).")
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        paginator = Pages()
        page = paginator.paginate_queryset(selectors.snapshot_list(product=access.product), request, view=self)
        return Response(SnapshotPage(page_data(paginator, page)).data)


class RankingApplyInput(StrictSerializerMixin, serializers.Serializer):
    framework = serializers.ChoiceField(
        choices=Framework.choices, required=False, help_text="Empty: the product's default framework."
    )


class RankingApplyApi(APIView):
    @extend_schema(
        request=RankingApplyInput,
        responses={202: JobOutput},
        description=(
            "Start one tracked job that reorders the product's open items in the manual backlog order to match "
            "the framework's ranking: scored items first, best score first, then the unscored ones in their "
            "current order. Product owners and admins. Undo with …/ranking/apply/{job_id}/undo/."
        ),
    )
    def post(self, request, product_id: int):
        access = api_product_access(request, product_id, APPLY_RANKING)
        data = validated(RankingApplyInput, request.data)
        framework = selectors.framework_or_default(product=access.product, framework=data.get("framework"))
        job = services.ranking_apply_start(product=access.product, framework=framework, actor=request.user)
        return Response(JobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class RankingUndoApi(APIView):
    @extend_schema(
        request=None,
        responses={202: JobOutput},
        description=(
            "Start one tracked job that puts the open items back in the order they had before the given "
            "application of a ranking. Product owners and admins; an application is undone once (400 after)."
            + rules_text(UNDO_RULES)
        ),
    )
    def post(self, request, product_id: int, job_id: int):
        access = api_product_access(request, product_id, APPLY_RANKING)
        applied = get_object_or_404(selectors.ranking_apply_queryset(product=access.product), pk=job_id)
        job = services.ranking_undo_start(product=access.product, applied=applied, actor=request.user)
        return Response(JobOutput(job).data, status=status.HTTP_202_ACCEPTED)

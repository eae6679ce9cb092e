"""REST endpoints of prioritisation (/api/v1/products/{id}/…): runs, rankings, matrix, MoSCoW, scenarios."""

from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Abs
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backlog.models import MoSCoW
from core.serializers import validated
from products.selectors import api_product_access
from workspaces.models import Capability

from . import selectors, services
from .models import Framework, PrioritySettings, Snapshot

RUN = Capability.EDIT_STRATEGY
APPLY_MOSCOW = Capability.RANK_ITEMS


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _job_out(job) -> dict:
    return {"job_id": job.pk, "state": job.state, "status_url": f"/api/v1/jobs/{job.pk}/"}


class PrioritizeApi(APIView):
    """Start a full re-score of the product; poll the job for state and progress."""

    def post(self, request, product_id: int):
        access = api_product_access(request, product_id, RUN)
        job = services.product_reprioritise_start(product=access.product, actor=request.user)
        return Response(_job_out(job), status=status.HTTP_202_ACCEPTED)


def _factor_out(factor) -> dict:
    return {
        "label": factor.label,
        "value": None if factor.value is None else str(factor.value),
        "effect": factor.effect,
        "share": None if factor.share is None else str(factor.share),
    }


def _row_out(row) -> dict:
    item = row.item
    return {
        "id": item.pk,
        "key": item.key,
        "title": item.title,
        "kind": item.kind,
        "status": item.status,
        "score": None if row.score is None else str(row.score),
        "position": row.score_position,
        "manual_position": row.manual_position,
        "gap": row.gap,
        "moved_since_snapshot": row.moved,
        "formula": row.explanation.formula,
        "factors": [_factor_out(f) for f in row.explanation.factors],
        "missing": list(row.explanation.missing),
    }


class RankingQuery(serializers.Serializer):
    framework = serializers.ChoiceField(choices=Framework.choices, required=False)
    sort = serializers.ChoiceField(choices=["score", "gap"], required=False, default="score")


def _filtered_items(request, access):
    items = selectors.items_for_ranking(product=access.product)
    filterset = selectors.RankingFilter(request.query_params, queryset=items, access=access)
    if not filterset.is_valid():
        raise serializers.ValidationError(filterset.errors)
    return filterset.qs, bool(filterset.form.has_changed())


class RankingApi(APIView):
    """Scored items best first, with the breakdown of each score and its gap to the manual order."""

    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        query = validated(RankingQuery, request.query_params)
        framework = selectors.framework_or_default(product=access.product, framework=query.get("framework"))
        items, filtered = _filtered_items(request, access)
        ranked = selectors.ranked(items=items, framework=framework)
        if query["sort"] == "gap":
            ranked = ranked.order_by(Abs(F("manual_position") - F("score_position")).desc(), "score_position")
        paginator = Pages()
        page = paginator.paginate_queryset(ranked, request, view=self)
        snapshot = selectors.snapshot_latest(product=access.product, framework=framework)
        positions = {} if filtered else selectors.snapshot_positions(snapshot=snapshot)
        criteria = selectors.criteria_for_framework(product=access.product, framework=framework)
        rows = selectors.rows_for(items=page, framework=framework, criteria=criteria, snapshot_positions=positions)
        response = paginator.get_paginated_response([_row_out(r) for r in rows])
        response.data["framework"] = framework
        response.data["snapshot_id"] = snapshot.pk if snapshot else None
        return response


class UnscoredApi(APIView):
    """Items a framework cannot score, with what is missing."""

    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        query = validated(RankingQuery, request.query_params)
        framework = selectors.framework_or_default(product=access.product, framework=query.get("framework"))
        items, _ = _filtered_items(request, access)
        paginator = Pages()
        page = paginator.paginate_queryset(selectors.unscored(items=items, framework=framework), request, view=self)
        criteria = selectors.criteria_for_framework(product=access.product, framework=framework)
        rows = selectors.rows_for(items=page, framework=framework, criteria=criteria)
        response = paginator.get_paginated_response(
            [
                {"id": r.item.pk, "key": r.item.key, "title": r.item.title, "missing": list(r.explanation.missing)}
                for r in rows
            ]
        )
        response.data["framework"] = framework
        return response


class MatrixApi(APIView):
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        m = selectors.matrix(product=access.product)
        return Response(
            {
                "value_threshold": None if m.value_threshold is None else str(m.value_threshold),
                "effort_threshold": None if m.effort_threshold is None else str(m.effort_threshold),
                "thresholds_are_medians": {"value": m.thresholds_are_medians[0], "effort": m.thresholds_are_medians[1]},
                "counts": m.counts,
                "unplaced": m.unplaced,
                "total": m.total,
                "points": [
                    {
                        "id": p.id,
                        "key": p.key,
                        "title": p.title,
                        "value": str(p.value),
                        "effort": str(p.effort),
                        "quadrant": p.quadrant,
                    }
                    for p in m.points
                ],
            }
        )


class MoscowQuery(serializers.Serializer):
    framework = serializers.ChoiceField(choices=Framework.choices, required=False)
    release = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    sprint = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    capacity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False)


def _check_out(check) -> dict | None:
    if check is None:
        return None
    return {
        "effort": {k: str(v) for k, v in check.effort.items()},
        "must_share": None if check.must_share is None else str(check.must_share),
        "over_must_limit": check.over_must_limit,
        "over_capacity": check.over_capacity,
    }


class MoscowProposalApi(APIView):
    """GET: the candidates, the capacity check and a proposed split. POST: apply categories (product owner)."""

    class Input(serializers.Serializer):
        assignments = serializers.DictField(child=serializers.ChoiceField(choices=MoSCoW.choices), allow_empty=False)

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
        return Response(
            {
                "framework": framework,
                "capacity": None if view.capacity is None else str(view.capacity),
                "must_share_limit": str(view.must_share_limit),
                "current": _check_out(view.current),
                "proposed": _check_out(view.proposed),
                "items": [
                    {
                        "id": r.item.pk,
                        "key": r.item.key,
                        "title": r.item.title,
                        "score": None if r.score is None else str(r.score),
                        "effort": None if r.item.effort is None else str(r.item.effort),
                        "moscow": r.item.moscow or None,
                        "proposed": r.proposed,
                        "missing": list(r.missing),
                    }
                    for r in view.rows
                ],
            }
        )

    def post(self, request, product_id: int):
        access = api_product_access(request, product_id, APPLY_MOSCOW)
        data = validated(self.Input, request.data)
        try:
            assignments = {int(k): v for k, v in data["assignments"].items()}
        except ValueError:
            raise serializers.ValidationError({"assignments": ["Items are given by their id."]}) from None
        changed = services.moscow_apply(product=access.product, assignments=assignments, actor=request.user)
        return Response({"changed": changed})


class SettingsApi(APIView):
    class Input(serializers.ModelSerializer):
        class Meta:
            model = PrioritySettings
            fields = [
                "default_framework",
                "value_threshold",
                "effort_threshold",
                "must_share_limit",
                "capacity",
                "effort_unit",
            ]

    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        return Response(self.Input(selectors.settings_for(product=access.product)).data)

    def patch(self, request, product_id: int):
        access = api_product_access(request, product_id, RUN)
        data = validated(self.Input, request.data, partial=True)
        current, job = services.settings_update(product=access.product, data=data, actor=request.user)
        return Response({**self.Input(current).data, "job": _job_out(job) if job else None})


def _scenario_out(scenario, with_moves: bool = False) -> dict:
    out = {
        "id": scenario.pk,
        "name": scenario.name,
        "framework": scenario.framework,
        "status": scenario.status,
        "weights": scenario.weights,
        "item_inputs": scenario.item_inputs,
        "created_at": scenario.created_at,
        "applied_at": scenario.applied_at,
    }
    if with_moves:
        out["moves"] = [
            {
                "id": m.item_id,
                "key": m.key,
                "title": m.title,
                "live_score": None if m.live_score is None else str(m.live_score),
                "scenario_score": None if m.scenario_score is None else str(m.scenario_score),
                "live_position": m.live_position,
                "scenario_position": m.scenario_position,
                "delta": m.delta,
            }
            for m in selectors.scenario_moves(scenario=scenario)[:500]
        ]
    return out


class ScenarioInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    framework = serializers.ChoiceField(choices=Framework.choices, default=Framework.RICE)
    weights = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2), required=False)
    item_inputs = serializers.DictField(child=serializers.DictField(allow_empty=False), required=False)


class ScenarioListApi(APIView):
    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        paginator = Pages()
        page = paginator.paginate_queryset(selectors.scenario_list(product=access.product), request, view=self)
        return paginator.get_paginated_response([_scenario_out(s) for s in page])

    def post(self, request, product_id: int):
        access = api_product_access(request, product_id, RUN)
        data = validated(ScenarioInput, request.data)
        scenario = services.scenario_create(product=access.product, actor=request.user, **data)
        return Response(_scenario_out(scenario, with_moves=True), status=status.HTTP_201_CREATED)


class ScenarioDetailApi(APIView):
    def _get(self, request, product_id, pk, capability=None):
        access = api_product_access(request, product_id, capability)
        return get_object_or_404(selectors.scenario_list(product=access.product), pk=pk)

    def get(self, request, product_id: int, pk: int):
        return Response(_scenario_out(self._get(request, product_id, pk), with_moves=True))

    def patch(self, request, product_id: int, pk: int):
        scenario = self._get(request, product_id, pk, RUN)
        data = validated(ScenarioInput, request.data, partial=True)
        scenario = services.scenario_update(scenario=scenario, data=data, actor=request.user)
        return Response(_scenario_out(scenario, with_moves=True))


class ScenarioApplyApi(ScenarioDetailApi):
    def post(self, request, product_id: int, pk: int):
        scenario = self._get(request, product_id, pk, RUN)
        job = services.scenario_apply(scenario=scenario, actor=request.user)
        return Response(_job_out(job), status=status.HTTP_202_ACCEPTED)


class ScenarioDiscardApi(ScenarioDetailApi):
    def post(self, request, product_id: int, pk: int):
        scenario = self._get(request, product_id, pk, RUN)
        services.scenario_discard(scenario=scenario, actor=request.user)
        scenario.refresh_from_db()
        return Response(_scenario_out(scenario))


class SnapshotListApi(APIView):
    """Past runs, newest first (without their rankings)."""

    def get(self, request, product_id: int):
        access = api_product_access(request, product_id)
        qs = Snapshot.objects.filter(product=access.product).defer("ranking").select_related("created_by")
        paginator = Pages()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            [
                {
                    "id": s.pk,
                    "framework": s.framework,
                    "created_at": s.created_at,
                    "created_by": s.created_by.username if s.created_by else None,
                    "job_id": s.job_id,
                    "scored": s.scored_count,
                    "unscored": s.unscored_count,
                }
                for s in page
            ]
        )

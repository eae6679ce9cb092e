"""Reads of objectives, key results, KPIs and measurements, for pages, the API, the dashboards and the rollup."""

from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from jobs.models import Job

from ..choices import Health
from ..models import (
    KPI,
    RECOMPUTE_JOB_KIND,
    HealthPolicy,
    KeyResult,
    Measurement,
    Objective,
    ObjectiveSnapshot,
)
from ..progress import Thresholds


def objective_list(*, workspace) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(workspace=workspace)
        .select_related("product", "parent", "owner")
        .prefetch_related("key_results")
        .annotate(key_result_count=Count("key_results", distinct=True))
    )


def objective_detail_queryset(*, workspace) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(workspace=workspace)
        .select_related("product", "parent", "owner")
        .prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.select_related("kpi")),
            Prefetch("children", queryset=Objective.objects.select_related("product")),
        )
    )


def key_result_list(*, workspace) -> QuerySet[KeyResult]:
    return KeyResult.objects.filter(objective__workspace=workspace).select_related("objective", "kpi")


def kpi_list(*, product) -> QuerySet[KPI]:
    return KPI.objects.filter(product=product).annotate(measurement_count=Count("measurements"))


def measurements_of(*, kpi: KPI | None = None, key_result: KeyResult | None = None, limit: int = 100):
    qs = Measurement.objects.select_related("created_by")
    qs = qs.filter(kpi=kpi) if kpi is not None else qs.filter(key_result=key_result)
    return qs.order_by("-measured_at", "-id")[:limit]


def measurement_for_workspace(*, workspace, pk: int) -> Measurement:
    return get_object_or_404(
        Measurement.objects.select_related("kpi", "key_result"),
        Q(kpi__product__workspace=workspace) | Q(key_result__objective__workspace=workspace),
        pk=pk,
    )


def health_policy_of(*, workspace) -> HealthPolicy:
    """The workspace's health policy, or an unsaved one with the default thresholds."""
    return HealthPolicy.objects.filter(workspace=workspace).first() or HealthPolicy(workspace=workspace)


def health_thresholds(*, workspace_id: int) -> Thresholds:
    """The workspace's health thresholds: its HealthPolicy, or the defaults without one."""
    policy = HealthPolicy.objects.filter(workspace_id=workspace_id).first()
    if policy is None:
        return Thresholds()
    return Thresholds(policy.at_risk_gap, policy.off_track_gap, policy.at_risk_confidence, policy.off_track_confidence)


def workspace_ids_with_objectives() -> list[int]:
    return list(Objective.objects.order_by().values_list("workspace_id", flat=True).distinct())


def objectives_for_dashboard(*, workspace, period: str, product=None) -> QuerySet[Objective]:
    """A period's objectives (of one product, or the whole workspace) with their key results."""
    qs = Objective.objects.filter(workspace=workspace, period=period)
    if product is not None:
        qs = qs.filter(product=product)
    return (
        qs.select_related("product", "owner", "parent")
        .prefetch_related(Prefetch("key_results", queryset=KeyResult.objects.select_related("kpi").order_by("id")))
        .order_by("product__name", "title", "id")
    )


def periods_of_workspace(*, workspace) -> list[str]:
    return list(
        Objective.objects.filter(workspace=workspace).order_by("-period").values_list("period", flat=True).distinct()
    )


def kpis_for_dashboard(*, workspace, product=None) -> QuerySet[KPI]:
    """KPIs with their latest measurement (value and time) as annotations."""
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-measured_at", "-id")
    qs = KPI.objects.filter(product__workspace=workspace)
    if product is not None:
        qs = qs.filter(product=product)
    return (
        qs.select_related("product")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_at=Subquery(latest.values("measured_at")[:1]),
        )
        .order_by("product__name", "name")
    )


def kpi_series(*, kpi_ids, start, end) -> dict[int, list[tuple]]:
    """Measurements of some KPIs between two times, oldest first: {kpi_id: [(measured_at, value), …]}."""
    series: dict[int, list[tuple]] = {kpi_id: [] for kpi_id in kpi_ids}
    rows = (
        Measurement.objects.filter(kpi_id__in=kpi_ids, measured_at__gte=start, measured_at__lt=end)
        .order_by("kpi_id", "measured_at", "id")
        .values_list("kpi_id", "measured_at", "value")
    )
    for kpi_id, measured_at, value in rows:
        series[kpi_id].append((measured_at, value))
    return series


def progress_history(*, objective_ids, start, end) -> list[dict]:
    """Per snapshot day: the mean progress and expected progress of some objectives, and how many were at risk."""
    return list(
        ObjectiveSnapshot.objects.filter(objective_id__in=objective_ids, day__gte=start, day__lt=end)
        .order_by("day")
        .values("day")
        .annotate(
            progress=Avg("progress"),
            expected=Avg("expected_progress"),
            at_risk=Count("id", filter=Q(health=Health.AT_RISK)),
            off_track=Count("id", filter=Q(health=Health.OFF_TRACK)),
        )
    )


def last_recompute_job(*, workspace) -> Job | None:
    """The latest on-demand recompute of a workspace's OKRs (a tracked job), or None."""
    return Job.objects.filter(workspace=workspace, kind=RECOMPUTE_JOB_KIND).order_by("-created_at").first()


def outcome_values(*, key_result_ids, kpi_ids) -> dict:
    """Today's values of some key results (their current value) and KPIs (their latest measurement), with
    their names and directions: {"key_results": {id: {...}}, "kpis": {id: {...}}} (two queries)."""
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-measured_at", "-id")
    kpis = (
        KPI.objects.filter(pk__in=list(kpi_ids))
        .annotate(latest_value=Subquery(latest.values("value")[:1]))
        .values("pk", "name", "unit", "direction", "latest_value")
    )
    key_results = KeyResult.objects.filter(pk__in=list(key_result_ids)).values(
        "pk", "title", "unit", "direction", "start_value", "target_value", "current_value"
    )
    return {
        "key_results": {
            row["pk"]: {
                "name": row["title"],
                "unit": row["unit"],
                "direction": row["direction"],
                "start": row["start_value"],
                "target": row["target_value"],
                "value": row["current_value"],
            }
            for row in key_results
        },
        "kpis": {
            row["pk"]: {
                "name": row["name"],
                "unit": row["unit"],
                "direction": row["direction"],
                "value": row["latest_value"],
            }
            for row in kpis
        },
    }

"""Ranked lists per framework with explanations, positions, snapshots and jobs."""

from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from backlog.models import BacklogItem, ItemKind, ItemStatus
from jobs.models import Job
from roadmap.models import Theme
from workspaces.filters import ScopedFilterSet

from .. import scoring
from ..models import CriterionValue, Framework, Scenario, ScorecardCriterion, Snapshot
from ..services import JOB_KIND, SCORE_FIELDS, criteria_for, settings_for

RANKING_FIELDS = (
    "id",
    "product_id",
    "number",
    "title",
    "kind",
    "status",
    "rank",
    "moscow",
    "story_points",
    "initiative_id",
    "release_id",
    "sprint_id",
    "reach",
    "impact",
    "confidence",
    "effort",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "rice_score",
    "wsjf_score",
)


class RankingFilter(ScopedFilterSet):
    theme = django_filters.ModelChoiceFilter(field_name="initiative__theme", queryset=Theme.objects.all())
    kind = django_filters.ChoiceFilter(choices=ItemKind.choices)
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices)

    class Meta:
        model = BacklogItem
        fields = ["theme", "initiative", "release", "kind", "status"]


def framework_or_default(*, product, framework: str | None) -> str:
    return framework if framework in Framework.values else settings_for(product=product).default_framework


def items_for_ranking(*, product) -> QuerySet[BacklogItem]:
    """The product's items with what the ranked views show (no query per row)."""
    return (
        BacklogItem.objects.filter(product=product)
        .select_related("product", "initiative", "release")
        .only(*RANKING_FIELDS, "product__key", "initiative__title", "release__name")
        .prefetch_related(
            Prefetch("criterion_values", queryset=CriterionValue.objects.only("item_id", "criterion_id", "value"))
        )
    )


def ranked(*, items: QuerySet[BacklogItem], framework: str) -> QuerySet[BacklogItem]:
    """Scored items, best first, with their position by score and in the PO's manual order.

    Positions count within `items` (so within the filters applied to it); `gap` is how far the
    manual order puts an item below (positive) or above (negative) where its score puts it.
    """
    score = SCORE_FIELDS[framework]
    return (
        items.filter(**{f"{score}__isnull": False})
        .annotate(
            score=F(score),
            score_position=Window(RowNumber(), order_by=[F(score).desc(), F("rank").asc(), F("id").asc()]),
            manual_position=Window(RowNumber(), order_by=[F("rank").asc(), F("id").asc()]),
        )
        .order_by(F(score).desc(), "rank", "id")
    )


def unscored(*, items: QuerySet[BacklogItem], framework: str) -> QuerySet[BacklogItem]:
    return items.filter(**{f"{SCORE_FIELDS[framework]}__isnull": True}).order_by("rank", "id")


def explain(*, item: BacklogItem, framework: str, criteria: list[scoring.Criterion]) -> scoring.Score:
    """The score of an item under a framework with its factors, from its current inputs."""
    if framework == Framework.RICE:
        return scoring.rice(reach=item.reach, impact=item.impact, confidence=item.confidence, effort=item.effort)
    if framework == Framework.WSJF:
        return scoring.wsjf(
            business_value=item.business_value,
            time_criticality=item.time_criticality,
            risk_reduction=item.risk_reduction,
            job_size=item.job_size,
        )
    values = {v.criterion_id: v.value for v in item.criterion_values.all()}
    return scoring.scorecard(criteria=criteria, values=values, effort=item.effort)


@dataclass
class RankedRow:
    item: BacklogItem
    score: Decimal | None
    explanation: scoring.Score
    score_position: int | None = None
    manual_position: int | None = None
    previous_position: int | None = None

    @property
    def gap(self) -> int | None:
        if self.score_position is None or self.manual_position is None:
            return None
        return self.manual_position - self.score_position

    @property
    def moved(self) -> int | None:
        """Places gained (positive) or lost since the last snapshot."""
        if self.previous_position is None or self.score_position is None:
            return None
        return self.previous_position - self.score_position


def criteria_for_framework(*, product, framework: str) -> list[scoring.Criterion]:
    return criteria_for(product_id=product.pk) if framework == Framework.CUSTOM else []


def rows_for(
    *, items, framework: str, criteria: list[scoring.Criterion], snapshot_positions: dict[int, int] | None = None
) -> list[RankedRow]:
    rows = []
    for item in items:
        explanation = explain(item=item, framework=framework, criteria=criteria)
        rows.append(
            RankedRow(
                item=item,
                score=getattr(item, "score", None),
                explanation=explanation,
                score_position=getattr(item, "score_position", None),
                manual_position=getattr(item, "manual_position", None),
                previous_position=(snapshot_positions or {}).get(item.pk),
            )
        )
    return rows


def snapshot_latest(*, product, framework: str) -> Snapshot | None:
    return Snapshot.objects.filter(product=product, framework=framework).defer("ranking").first()


def snapshot_choices(*, product, framework: str, limit: int = 10) -> list[Snapshot]:
    """The latest runs of a framework (without their rankings), newest first, to compare the order with."""
    return list(
        Snapshot.objects.filter(product=product, framework=framework)
        .defer("ranking")
        .select_related("created_by")[:limit]
    )


def snapshot_positions(*, snapshot: Snapshot | None) -> dict[int, int]:
    if snapshot is None:
        return {}
    ranking = Snapshot.objects.filter(pk=snapshot.pk).values_list("ranking", flat=True).get()
    return {item_id: position for position, (item_id, _score) in enumerate(ranking, start=1)}


def job_latest(*, product) -> Job | None:
    return Job.objects.filter(product=product, kind=JOB_KIND).select_related("started_by").first()


def criteria_list(*, product) -> QuerySet[ScorecardCriterion]:
    return ScorecardCriterion.objects.filter(product=product)


def scenario_list(*, product) -> QuerySet[Scenario]:
    return Scenario.objects.filter(product=product).select_related("created_by")

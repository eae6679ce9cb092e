"""Ranked lists per framework, with each score's explanation and positions."""

from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from backlog.filters import EVIDENCE_CHOICES, with_evidence
from backlog.models import BacklogItem, ItemKind, ItemStatus
from core.figures import cached_figure, cached_figure_chunks
from roadmap.models import Theme
from workspaces.filters import ScopedFilterSet

from .. import scoring
from ..models import CriterionValue, Framework
from .runs import SCORE_FIELDS

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
    "customer_impact",
    "evidence_count",
)


class RankingFilter(ScopedFilterSet):
    theme = django_filters.ModelChoiceFilter(field_name="initiative__theme", queryset=Theme.objects.all())
    kind = django_filters.ChoiceFilter(choices=ItemKind.choices)
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices)
    evidence = django_filters.ChoiceFilter(choices=EVIDENCE_CHOICES, method=with_evidence, label="Evidence")

    class Meta:
        model = BacklogItem
        fields = ["theme", "initiative", "release", "kind", "status", "evidence"]


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


GAP_CHUNK = 500  # rows of the gap order per cached chunk (a page of the API is at most 500)


class RankedItems:
    """The scored items of `items`, best first (`sort="score"`) or farthest from the manual order first
    (`sort="gap"`), as a sequence a Paginator slices: a slice fetches its rows only.

    By score, the rows come from an index range scan ((product, score desc, …)), the score position is
    the row's place in the order and the manual position is counted for the shown rows only, over
    narrow (id, rank) rows. By gap, both positions of every scored item and their order are computed
    in SQL over narrow (id, rank, score) rows once per version of the workspace's figures (every write
    bumps it) and kept in chunks of GAP_CHUNK; a page reads its chunk and fetches its rows by id.
    Positions count within `items` (so within the filters applied to it)."""

    def __init__(self, *, product, items: QuerySet[BacklogItem], framework: str, sort: str = "score"):
        self.product, self.sort = product, sort
        self.score = SCORE_FIELDS[framework]
        self.scored = items.filter(**{f"{self.score}__isnull": False})
        self.scope = str(self.scored.query)

    def count(self) -> int:
        return cached_figure(  # counting every scored item: once per version of the figures
            workspace_id=self.product.workspace_id,
            name="prioritization.scored_count",
            parts=(self.scope,),
            compute=self.scored.count,
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[BacklogItem]:
        start, stop, _ = index.indices(self.count())
        if stop <= start:
            return []
        return self._gap_slice(start, stop) if self.sort == "gap" else self._score_slice(start, stop)

    def _score_slice(self, start: int, stop: int) -> list[BacklogItem]:
        ordered = self.scored.annotate(score=F(self.score)).order_by(F(self.score).desc(), "rank", "id")
        objects = list(ordered[start:stop])
        for position, item in enumerate(objects, start=start + 1):
            item.score_position = position
        ids = [item.pk for item in objects]
        manual = cached_figure(  # numbering the whole manual order: once per version of the figures
            workspace_id=self.product.workspace_id,
            name="prioritization.manual_positions",
            parts=(self.scope, tuple(ids)),
            compute=lambda: manual_positions(items=self.scored, item_ids=ids),
        )
        for item in objects:
            item.manual_position = manual.get(item.pk)
        return objects

    def _gap_slice(self, start: int, stop: int) -> list[BacklogItem]:
        chunks = cached_figure_chunks(
            workspace_id=self.product.workspace_id,
            name="prioritization.gap_order",
            parts=(self.scope,),
            chunks=list(range(start // GAP_CHUNK, (stop - 1) // GAP_CHUNK + 1)),
            compute=self._gap_order,
        )
        entries = [entry for k in sorted(chunks) for entry in (chunks[k] or ())]
        first = (start // GAP_CHUNK) * GAP_CHUNK
        entries = entries[start - first : stop - first]
        rows = self.scored.annotate(score=F(self.score)).in_bulk([pk for pk, _, _ in entries])
        objects = []
        for pk, score_position, manual_position in entries:
            item = rows.get(pk)
            if item is not None:
                item.score_position, item.manual_position = score_position, manual_position
                objects.append(item)
        return objects

    def _gap_order(self) -> list[list[tuple[int, int, int]]]:
        """(id, score position, manual position) of every scored item in gap order, in chunks."""
        narrow = self.scored.order_by().annotate(s=F(self.score)).values("id", "rank", "s")
        inner, params = narrow.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, score_position, manual_position FROM (SELECT id, "
                "row_number() OVER (ORDER BY s DESC, rank, id) AS score_position, "
                "row_number() OVER (ORDER BY rank, id) AS manual_position "
                f"FROM ({inner}) AS scoped) AS numbered "
                "ORDER BY abs(manual_position - score_position) DESC, score_position",
                params,
            )
            rows = cursor.fetchall()
        return [rows[at : at + GAP_CHUNK] for at in range(0, len(rows), GAP_CHUNK)]


def ranked_page(*, product, items: QuerySet[BacklogItem], framework: str, page, size: int, sort="score") -> Page:
    """One page of the scored items (RankedItems) by score or by gap, for the ranked view."""
    shown = Paginator(RankedItems(product=product, items=items, framework=framework, sort=sort), size).get_page(page)
    shown.object_list = list(shown.object_list)
    return shown


def manual_positions(*, items: QuerySet[BacklogItem], item_ids: list[int]) -> dict[int, int]:
    """The places of some items in the manual order of `items` (1 = top), in one narrow query."""
    if not item_ids:
        return {}
    inner, params = items.order_by().values("id", "rank").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, position FROM (SELECT id, row_number() OVER (ORDER BY rank, id) AS position "
            f"FROM ({inner}) AS scoped) AS numbered WHERE id = ANY(%s)",
            [*params, list(item_ids)],
        )
        return dict(cursor.fetchall())


def unscored(*, items: QuerySet[BacklogItem], framework: str) -> QuerySet[BacklogItem]:
    return items.filter(**{f"{SCORE_FIELDS[framework]}__isnull": True}).order_by("rank", "id")


def unscored_count(*, product, unscored: QuerySet[BacklogItem]) -> int:
    """How many items `unscored` holds: counted once per version of the workspace's figures."""
    return cached_figure(
        workspace_id=product.workspace_id,
        name="prioritization.unscored_count",
        parts=(str(unscored.query),),
        compute=unscored.count,
    )


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

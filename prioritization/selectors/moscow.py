"""MoSCoW candidates, the capacity check and a proposed split."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import F, Min, Q, QuerySet, Sum

from backlog.models import BacklogItem, ItemStatus
from core.figures import cached_figure

from .. import scoring
from ..models import Framework
from ..scoring import COULD, MUST, SHOULD, WONT
from .ranking import explain, items_for_ranking
from .runs import SCORE_FIELDS
from .scorecard import criteria_for
from .settings import settings_for

OPEN_STATUSES = (ItemStatus.NEW, ItemStatus.READY, ItemStatus.IN_PROGRESS)


@dataclass
class MoscowRow:
    item: BacklogItem
    score: Decimal | None
    proposed: str | None
    missing: tuple[str, ...]


@dataclass
class MoscowView:
    framework: str
    capacity: Decimal | None
    must_share_limit: Decimal
    rows: list[MoscowRow]
    current: scoring.MoscowCheck | None
    proposed: scoring.MoscowCheck | None
    page: Page | None = None


PAGE_SIZE = 100
CHUNK = 200  # candidates read per query while the proposal still has room


def _proposal(
    *, candidates: QuerySet, capacity: Decimal, must_share_limit: Decimal, min_effort
) -> tuple[dict[int, str], dict[int, Decimal]]:
    """The proposal from narrow (id, effort, score) rows read best first in chunks, until nothing fits;
    and the effort of each row read."""
    efforts: dict[int, Decimal] = {}

    def stream():
        start = 0
        while True:
            chunk = list(candidates[start : start + CHUNK])
            for pk, effort, score in chunk:
                efforts[pk] = effort
                yield scoring.Candidate(pk, effort, score)
            if len(chunk) < CHUNK:
                return
            start += CHUNK

    proposal = scoring.moscow_propose_sorted(
        candidates=stream(), capacity=capacity, must_share_limit=must_share_limit, min_effort=min_effort
    )
    return proposal, efforts


def moscow(
    *, product, framework: str, capacity: Decimal | None, release=None, sprint=None, page: str | None = None
) -> MoscowView:
    """The candidates (open items of a release or sprint, or of the whole backlog), a page at a time, their
    MoSCoW now, the check of the capacity rule over all of them, and a proposed split by score that fits
    the capacity. The checks are sums in SQL; the proposal reads narrow rows best first and stops as soon
    as the capacity is full, so neither grows with the backlog's length."""
    settings = settings_for(product=product)
    capacity = capacity if capacity is not None else settings.capacity
    scope = BacklogItem.objects.filter(product=product, status__in=OPEN_STATUSES)
    if release is not None:
        scope = scope.filter(release=release)
    if sprint is not None:
        scope = scope.filter(sprint=sprint)
    score = SCORE_FIELDS[framework]
    items = items_for_ranking(product=product).filter(status__in=OPEN_STATUSES)
    if release is not None:
        items = items.filter(release=release)
    if sprint is not None:
        items = items.filter(sprint=sprint)
    items = items.annotate(score=F(score)).order_by(F(score).desc(nulls_last=True), "rank")
    paginator = Paginator(items, PAGE_SIZE)
    paginator.count = cached_figure(  # counting every open item: once per version of the figures
        workspace_id=product.workspace_id,
        name="prioritization.moscow_count",
        parts=(str(scope.query),),
        compute=scope.count,
    )
    shown = paginator.get_page(page)
    criteria = criteria_for(product_id=product.pk) if framework == Framework.CUSTOM else []
    rows = []
    for item in shown.object_list:
        missing = explain(item=item, framework=framework, criteria=criteria).missing
        if item.effort is None and "effort" not in missing:
            missing += ("effort",)
        rows.append(MoscowRow(item, item.score, None, missing))
    if capacity is None:
        return MoscowView(framework, None, settings.must_share_limit, rows, None, None, shown)

    def compute() -> tuple[dict, dict, dict]:
        candidate = Q(**{f"{score}__isnull": False, "effort__isnull": False})
        sums = {category: Sum("effort", filter=Q(moscow=category)) for category in (MUST, SHOULD, COULD, WONT)}
        figures = scope.aggregate(
            **sums, candidates=Sum("effort", filter=candidate), least=Min("effort", filter=candidate)
        )
        candidates = (
            scope.filter(candidate).order_by(F(score).desc(), "effort", "id").values_list("id", "effort", score)
        )
        proposal, efforts = _proposal(
            candidates=candidates,
            capacity=capacity,
            must_share_limit=settings.must_share_limit,
            min_effort=figures["least"],
        )
        return figures, proposal, efforts

    # Sums and the proposal read the whole scope: once per version of the workspace's figures.
    figures, proposal, efforts = cached_figure(
        workspace_id=product.workspace_id,
        name="prioritization.moscow",
        parts=(str(scope.query), framework, capacity, settings.must_share_limit),
        compute=compute,
    )
    for row in rows:
        if row.score is not None and row.item.effort is not None:
            row.proposed = proposal.get(row.item.pk, WONT)
    current = scoring.moscow_check(
        items=[(category, figures[category]) for category in (MUST, SHOULD, COULD, WONT)],
        capacity=capacity,
        must_share_limit=settings.must_share_limit,
    )
    placed = {MUST: Decimal(0), SHOULD: Decimal(0), COULD: Decimal(0)}
    for pk, category in proposal.items():
        if category in placed:
            placed[category] += efforts[pk]
    proposed = scoring.moscow_check(
        items=[*placed.items(), (WONT, (figures["candidates"] or Decimal(0)) - sum(placed.values()))],
        capacity=capacity,
        must_share_limit=settings.must_share_limit,
    )
    return MoscowView(framework, capacity, settings.must_share_limit, rows, current, proposed, shown)

"""MoSCoW candidates, the capacity check and a proposed split."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from backlog.models import BacklogItem, ItemStatus

from .. import scoring
from ..models import Framework
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


def moscow(*, product, framework: str, capacity: Decimal | None, release=None, sprint=None) -> MoscowView:
    """The candidates (open items of a release or sprint, or of the whole backlog), their MoSCoW now,
    the check of the capacity rule, and a proposed split by score that fits the capacity."""
    settings = settings_for(product=product)
    capacity = capacity if capacity is not None else settings.capacity
    items = items_for_ranking(product=product).filter(status__in=OPEN_STATUSES)
    if release is not None:
        items = items.filter(release=release)
    if sprint is not None:
        items = items.filter(sprint=sprint)
    items = items.annotate(score=F(SCORE_FIELDS[framework])).order_by(F("score").desc(nulls_last=True), "rank")
    criteria = criteria_for(product_id=product.pk) if framework == Framework.CUSTOM else []
    rows, candidates = [], []
    for item in items:
        missing = explain(item=item, framework=framework, criteria=criteria).missing
        if item.effort is None and "effort" not in missing:
            missing += ("effort",)
        if item.score is not None and item.effort is not None:
            candidates.append(scoring.Candidate(item.pk, item.effort, item.score))
        rows.append(MoscowRow(item, item.score, None, missing))
    if capacity is None:
        return MoscowView(framework, None, settings.must_share_limit, rows, None, None)
    proposal = scoring.moscow_propose(
        candidates=candidates, capacity=capacity, must_share_limit=settings.must_share_limit
    )
    for row in rows:
        row.proposed = proposal.get(row.item.pk)
    current = scoring.moscow_check(
        items=[(r.item.moscow, r.item.effort) for r in rows],
        capacity=capacity,
        must_share_limit=settings.must_share_limit,
    )
    proposed = scoring.moscow_check(
        items=[(r.proposed, r.item.effort) for r in rows if r.proposed],
        capacity=capacity,
        must_share_limit=settings.must_share_limit,
    )
    return MoscowView(framework, capacity, settings.must_share_limit, rows, current, proposed)

"""What-if scenarios: the list, the items whose inputs they change, and what moves compared with live data."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from backlog.models import RICE_FIELDS, WSJF_FIELDS, BacklogItem
from backlog.selectors.search import item_search

from .. import scoring
from ..models import CriterionValue, Framework, Scenario
from .moscow import OPEN_STATUSES
from .scorecard import criteria_for

SCENARIO_INPUTS = RICE_FIELDS + WSJF_FIELDS  # the item inputs a scenario may change


def scenario_list(*, product) -> QuerySet[Scenario]:
    return Scenario.objects.filter(product=product).select_related("created_by")


SCENARIO_PICKS = 20


def scenario_item_choices(*, product, user, query: str, limit: int = SCENARIO_PICKS) -> list[dict]:
    """What the scenario's item picker offers as the user types: an item of `product` with this
    number first (PAY-42, 42), then the full-text matches (backlog's search); with nothing typed,
    the top of the backlog's open work. [{"id", "label"}], at most `limit`."""
    query = query.strip()[:100]
    items = BacklogItem.objects.filter(product=product)
    if not query:
        rows = items.filter(status__in=OPEN_STATUSES).order_by("rank", "id").values("id", "number", "title")[:limit]
        return [{"id": r["id"], "label": f"{product.key}-{r['number']} {r['title']}"} for r in rows]
    picks: dict[int, str] = {}
    number = query.rsplit("-", 1)[-1]
    if number.isdigit() and len(number) < 10:
        for row in items.filter(number=int(number)).values("id", "number", "title"):
            picks[row["id"]] = f"{product.key}-{row['number']} {row['title']}"
    for row in item_search(user=user, text=query, product_id=product.pk, limit=limit):
        picks.setdefault(row["id"], f"{row['key']} {row['title']}")
    return [{"id": pk, "label": label} for pk, label in list(picks.items())[:limit]]


def scenario_changes(*, scenario: Scenario) -> list[tuple[str, BacklogItem | None, dict]]:
    """The scenario's changed inputs per item: (item id, the item or None when it was deleted since, inputs)."""
    items = BacklogItem.objects.filter(
        product_id=scenario.product_id, pk__in=[int(k) for k in scenario.item_inputs]
    ).select_related("product")
    by_id = {item.pk: item for item in items}
    return [(key, by_id.get(int(key)), inputs) for key, inputs in scenario.item_inputs.items()]


@dataclass
class Move:
    item_id: int
    key: str
    title: str
    live_score: Decimal | None
    scenario_score: Decimal | None
    live_position: int | None
    scenario_position: int | None

    @property
    def delta(self) -> int | None:
        """Places gained (positive) or lost in the scenario."""
        if self.live_position is None or self.scenario_position is None:
            return None
        return self.live_position - self.scenario_position


def _positions(scores: dict[int, Decimal | None], ranks: dict[int, int]) -> dict[int, int]:
    ordered = sorted((pk for pk, s in scores.items() if s is not None), key=lambda pk: (-scores[pk], ranks[pk], pk))
    return {pk: i for i, pk in enumerate(ordered, start=1)}


def scenario_moves(*, scenario: Scenario) -> list[Move]:
    """Every item whose score or position differs between live data and the scenario, biggest move first."""
    product = scenario.product
    framework = scenario.framework
    fields = ["id", "number", "title", "rank", "effort", *SCENARIO_INPUTS]
    rows = {r["id"]: r for r in BacklogItem.objects.filter(product=product).values(*dict.fromkeys(fields))}
    live_criteria = criteria_for(product_id=product.pk)
    values: dict[int, dict[int, Decimal]] = {}
    if framework == Framework.CUSTOM:
        for item_id, criterion_id, value in CriterionValue.objects.filter(item__product=product).values_list(
            "item_id", "criterion_id", "value"
        ):
            values.setdefault(item_id, {})[criterion_id] = value
    what_if_criteria = [
        scoring.Criterion(c.id, c.name, Decimal(scenario.weights.get(str(c.id), c.weight))) for c in live_criteria
    ]

    def score(row: dict, criteria) -> Decimal | None:
        if framework == Framework.RICE:
            return scoring.rice(**{k: row[k] for k in ("reach", "impact", "confidence", "effort")}).value
        if framework == Framework.WSJF:
            return scoring.wsjf(
                **{k: row[k] for k in ("business_value", "time_criticality", "risk_reduction", "job_size")}
            ).value
        return scoring.scorecard(criteria=criteria, values=values.get(row["id"], {}), effort=row["effort"]).value

    live = {pk: score(row, live_criteria) for pk, row in rows.items()}
    what_if = {}
    for pk, row in rows.items():
        changes = scenario.item_inputs.get(str(pk))
        if changes:
            row = {**row}
            for name, value in changes.items():
                row[name] = None if value is None else BacklogItem._meta.get_field(name).to_python(value)
        what_if[pk] = score(row, what_if_criteria)
    ranks = {pk: row["rank"] for pk, row in rows.items()}
    live_pos, what_if_pos = _positions(live, ranks), _positions(what_if, ranks)
    moves = [
        Move(
            pk,
            f"{product.key}-{rows[pk]['number']}",
            rows[pk]["title"],
            live[pk],
            what_if[pk],
            live_pos.get(pk),
            what_if_pos.get(pk),
        )
        for pk in rows
        if live[pk] != what_if[pk] or live_pos.get(pk) != what_if_pos.get(pk)
    ]
    moves.sort(key=lambda m: (-abs(m.delta or 0), m.scenario_position or 10**9, m.item_id))
    return moves

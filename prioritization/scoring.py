"""The frameworks' arithmetic, in plain Python: one definition that pages, scenarios and tests share.

The set-based SQL of a full re-score (services.product_reprioritise) computes the same numbers
in the database; tests prove the two agree. Every score is rounded half up to 2 decimals, the
way PostgreSQL's round() does it, so both paths store the same value.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from backlog.models import rice_score, wsjf_score

CENT = Decimal("0.01")
IMPACT_LABELS = {
    Decimal("3"): "massive",
    Decimal("2"): "high",
    Decimal("1"): "medium",
    Decimal("0.5"): "low",
    Decimal("0.25"): "minimal",
}
WSJF_SCALE = (1, 2, 3, 5, 8, 13, 20)


def num(value) -> str:
    """A decimal as people write it: 80 not 8E+1, 0.5 not 0.50."""
    text = f"{Decimal(value).normalize():f}"
    return text


def round_score(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Factor:
    """One input of a score and what it contributes ("why is this first")."""

    label: str
    value: object
    effect: str  # e.g. "× 2", "÷ 4", "+ 8 (40 %)"
    share: Decimal | None = None  # percentage of an additive total, when the formula adds


@dataclass(frozen=True)
class Score:
    framework: str
    value: Decimal | None
    missing: tuple[str, ...] = ()
    factors: tuple[Factor, ...] = field(default=())
    formula: str = ""

    @property
    def is_scored(self) -> bool:
        return self.value is not None


def _missing(named: dict[str, object], positive: Iterable[str] = ()) -> tuple[str, ...]:
    gaps = [name for name, value in named.items() if value is None]
    gaps += [f"{name} (must be positive)" for name in positive if named.get(name) is not None and named[name] <= 0]
    return tuple(gaps)


def rice(*, reach, impact, confidence, effort) -> Score:
    """RICE = reach × impact × confidence ÷ effort; confidence is a percentage (80 → 0.8)."""
    missing = _missing(
        {"reach": reach, "impact": impact, "confidence": confidence, "effort": effort}, positive=("effort",)
    )
    if missing:
        return Score("rice", None, missing, formula="reach × impact × confidence ÷ effort")
    value = rice_score(reach=reach, impact=impact, confidence=confidence, effort=effort)
    reach, impact, confidence, effort = Decimal(reach), Decimal(impact), Decimal(confidence), Decimal(effort)
    impact_label = IMPACT_LABELS.get(impact.normalize(), "")
    return Score(
        "rice",
        value,
        factors=(
            Factor("Reach", reach, f"{reach:,} people or events per period"),
            Factor("Impact", impact, f"× {num(impact)}" + (f" ({impact_label})" if impact_label else "")),
            Factor("Confidence", confidence, f"× {num(confidence / 100)} ({num(confidence)} %)"),
            Factor("Effort", effort, f"÷ {num(effort)}"),
        ),
        formula=f"{reach:,} × {num(impact)} × {num(confidence / 100)} ÷ {num(effort)} = {value}",
    )


def wsjf(*, business_value, time_criticality, risk_reduction, job_size) -> Score:
    """WSJF = cost of delay ÷ job size, cost of delay = business value + time criticality + risk reduction."""
    missing = _missing(
        {
            "business value": business_value,
            "time criticality": time_criticality,
            "risk reduction": risk_reduction,
            "job size": job_size,
        },
        positive=("job size",),
    )
    if missing:
        return Score("wsjf", None, missing, formula="(business value + time criticality + risk reduction) ÷ job size")
    parts = {"Business value": business_value, "Time criticality": time_criticality, "Risk reduction": risk_reduction}
    cost_of_delay = sum(Decimal(v) for v in parts.values())
    value = wsjf_score(
        business_value=business_value,
        time_criticality=time_criticality,
        risk_reduction=risk_reduction,
        job_size=job_size,
    )
    factors = [Factor(label, v, f"+ {v}", _share(Decimal(v), cost_of_delay)) for label, v in parts.items()]
    factors.append(Factor("Job size", job_size, f"÷ {job_size}"))
    return Score(
        "wsjf",
        value,
        factors=tuple(factors),
        formula=f"({business_value} + {time_criticality} + {risk_reduction}) ÷ {job_size} = {value}",
    )


def _share(part: Decimal, total: Decimal) -> Decimal | None:
    return None if not total else (100 * part / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Criterion:
    id: int
    name: str
    weight: Decimal


def scorecard(*, criteria: Sequence[Criterion], values: dict[int, Decimal | None], effort) -> Score:
    """Custom scorecard = Σ (weight × value) ÷ effort over the product's criteria."""
    if not criteria:
        return Score("custom", None, ("scorecard criteria (none defined)",))
    missing = tuple(c.name for c in criteria if values.get(c.id) is None)
    missing += _missing({"effort": effort}, positive=("effort",))
    if missing:
        return Score("custom", None, missing, formula="Σ weight × value ÷ effort")
    weighted = {c: Decimal(c.weight) * Decimal(values[c.id]) for c in criteria}
    total = sum(weighted.values(), Decimal(0))
    value = round_score(total / Decimal(effort))
    factors = [
        Factor(c.name, values[c.id], f"+ {num(c.weight)} × {num(Decimal(values[c.id]))}", _share(w, total))
        for c, w in weighted.items()
    ]
    factors.append(Factor("Effort", effort, f"÷ {num(Decimal(effort))}"))
    return Score(
        "custom",
        value,
        factors=tuple(factors),
        formula=f"{num(total)} ÷ {num(Decimal(effort))} = {value}",
    )


# ---- value vs effort ----------------------------------------------------------------------------

QUICK_WIN, BIG_BET, FILL_IN, TIME_SINK = "quick_win", "big_bet", "fill_in", "time_sink"
QUADRANT_LABELS = {QUICK_WIN: "Quick wins", BIG_BET: "Big bets", FILL_IN: "Fill-ins", TIME_SINK: "Time sinks"}


def item_value(*, reach, impact, confidence) -> Decimal | None:
    """The value axis: RICE without the effort (reach × impact × confidence)."""
    if reach is None or impact is None or confidence is None:
        return None
    return round_score(Decimal(reach) * Decimal(impact) * Decimal(confidence) / 100)


def quadrant(*, value: Decimal, effort: Decimal, value_threshold: Decimal, effort_threshold: Decimal) -> str:
    """High value means at or above the value threshold; high effort means at or above the effort threshold."""
    high_value, high_effort = value >= value_threshold, effort >= effort_threshold
    if high_value:
        return BIG_BET if high_effort else QUICK_WIN
    return TIME_SINK if high_effort else FILL_IN


def median(values: Sequence[Decimal]) -> Decimal | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# ---- MoSCoW -------------------------------------------------------------------------------------

MUST, SHOULD, COULD, WONT = "must", "should", "could", "wont"
COULD_CONTINGENCY = Decimal("20")  # DSDM: could-haves keep about 20 % of the capacity as contingency


@dataclass(frozen=True)
class Candidate:
    id: int
    effort: Decimal
    score: Decimal


@dataclass(frozen=True)
class MoscowCheck:
    capacity: Decimal
    must_share_limit: Decimal  # percent
    effort: dict[str, Decimal]
    must_share: Decimal | None  # percent of capacity
    over_must_limit: bool
    over_capacity: bool  # must + should + could exceed the capacity


def moscow_check(
    *, items: Iterable[tuple[str, Decimal | None]], capacity: Decimal, must_share_limit: Decimal
) -> MoscowCheck:
    """Sum effort by MoSCoW category and flag over-commitment. Items without effort count as 0."""
    effort = {MUST: Decimal(0), SHOULD: Decimal(0), COULD: Decimal(0), WONT: Decimal(0)}
    for category, item_effort in items:
        if category in effort and item_effort is not None:
            effort[category] += Decimal(item_effort)
    share = None if not capacity else (100 * effort[MUST] / capacity).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    committed = effort[MUST] + effort[SHOULD] + effort[COULD]
    return MoscowCheck(
        capacity=capacity,
        must_share_limit=must_share_limit,
        effort=effort,
        must_share=share,
        over_must_limit=effort[MUST] * 100 > must_share_limit * capacity,
        over_capacity=committed > capacity,
    )


def moscow_propose(*, candidates: Sequence[Candidate], capacity: Decimal, must_share_limit: Decimal) -> dict[int, str]:
    """Split candidates into must/should/could/won't by score so that the split fits the capacity.

    Walking from the best score down, each item goes into the first category that still has room:
    must-haves up to `must_share_limit` % of the capacity, should-haves up to the capacity less
    the could-haves' contingency, could-haves up to the capacity; the rest is won't-have-this-time.
    """
    ordered = sorted(candidates, key=lambda c: (-c.score, c.effort, c.id))
    proposal = moscow_propose_sorted(candidates=ordered, capacity=capacity, must_share_limit=must_share_limit)
    return {c.id: proposal.get(c.id, WONT) for c in ordered}


def moscow_propose_sorted(
    *, candidates: Iterable[Candidate], capacity: Decimal, must_share_limit: Decimal, min_effort: Decimal | None = None
) -> dict[int, str]:
    """`moscow_propose` over candidates already in (best score, least effort, id) order, which may be a
    lazy stream of narrow rows: it stops reading once not even `min_effort` (the least effort of any
    candidate) fits, so only the head of a long backlog is read. Candidates left out are won't-haves."""
    must_cap = capacity * must_share_limit / 100
    should_cap = max(must_cap, capacity * (100 - COULD_CONTINGENCY) / 100)
    order, caps = (MUST, SHOULD, COULD), (must_cap, should_cap, capacity)
    used = {MUST: Decimal(0), SHOULD: Decimal(0), COULD: Decimal(0)}
    proposal: dict[int, str] = {}
    for candidate in candidates:
        if min_effort is not None and used[MUST] + used[SHOULD] + used[COULD] + min_effort > capacity:
            break  # every cap includes the capacity: nothing further can fit
        proposal[candidate.id] = WONT
        for k, category in enumerate(order):
            # The caps are cumulative: a must-have also uses room the should- and could-haves share.
            fits = all(sum(used[c] for c in order[: j + 1]) + candidate.effort <= caps[j] for j in range(k, len(order)))
            if fits:
                used[category] += candidate.effort
                proposal[candidate.id] = category
                break
    return proposal

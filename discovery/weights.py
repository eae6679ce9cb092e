"""The customer impact score, in plain Python: the twin of the SQL in selectors/evidence.py.

impact = Σ over insights (importance weight × customer weight) + Σ over votes (vote weight × customer weight)
where a customer's weight is 1 (flat), their seats, or their revenue per 1,000 — never below 1, and 1
for evidence without a customer.
"""

from decimal import Decimal

from .models import WeightBasis

REVENUE_UNIT = Decimal("1000")


def customer_weight(*, basis: str, revenue: Decimal | None, seats: int | None) -> Decimal:
    if basis == WeightBasis.SEATS:
        return Decimal(max(seats or 1, 1))
    if basis == WeightBasis.REVENUE:
        return max(Decimal(revenue or 0) / REVENUE_UNIT, Decimal(1))
    return Decimal(1)


def importance_weights(settings) -> dict[str, Decimal]:
    return {"nice": settings.nice_weight, "important": settings.important_weight, "critical": settings.critical_weight}

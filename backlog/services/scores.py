"""Writes of the backlog's prioritisation fields across many items: stored RICE and WSJF scores, MoSCoW.

Both lock the product first and then its items (the lock order of services/items.py).
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import BacklogItem, MoSCoW, rice_score
from .items import items_lock, products_lock

ITEMS = BacklogItem._meta.db_table
MOSCOW_VALUES = MoSCoW.values

# The RICE and WSJF expressions of backlog.models.rice_score / wsjf_score, in SQL. One division of
# the exact product and round() (half away from zero), so both paths store the same cents.
RICE_SQL = (
    "CASE WHEN reach IS NOT NULL AND impact IS NOT NULL AND confidence IS NOT NULL AND effort > 0 "
    "THEN round(reach * impact * confidence / (100 * effort), 2) END"
)
WSJF_SQL = (
    "CASE WHEN business_value IS NOT NULL AND time_criticality IS NOT NULL AND risk_reduction IS NOT NULL "
    "AND job_size > 0 THEN round((business_value + time_criticality + risk_reduction)::numeric / job_size, 2) END"
)


@transaction.atomic
def items_scores_refresh(*, product_id: int) -> int:
    """Store every item's RICE and WSJF score in one statement; rows already right are not written.

    Under the product lock, so that it never waits for an item that a bulk save or a move holds while
    they wait for an item it has written.
    """
    products_lock([product_id])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {ITEMS} SET rice_score = {RICE_SQL}, wsjf_score = {WSJF_SQL}
                WHERE product_id = %s
                  AND (rice_score IS DISTINCT FROM {RICE_SQL} OR wsjf_score IS DISTINCT FROM {WSJF_SQL})
                """,
                [product_id],
            )
            return cursor.rowcount
    # Portable fallback (SQLite for newcomers): compute in Python, write in batches.
    changed = []
    fields = ("id", "reach", "impact", "confidence", "effort", "rice_score", "wsjf_score") + (
        "business_value",
        "time_criticality",
        "risk_reduction",
        "job_size",
    )
    for row in BacklogItem.objects.filter(product_id=product_id).only(*fields).iterator(chunk_size=2000):
        rice = rice_score(reach=row.reach, impact=row.impact, confidence=row.confidence, effort=row.effort)
        wsjf = row.computed_wsjf_score
        if (row.rice_score, row.wsjf_score) != (rice, wsjf):
            row.rice_score, row.wsjf_score = rice, wsjf
            changed.append(row)
    BacklogItem.objects.bulk_update(changed, ["rice_score", "wsjf_score"], batch_size=1000)
    return len(changed)


@transaction.atomic
def items_moscow_set(*, product, assignments: dict[int, str]) -> int:
    """Set the MoSCoW of several items of one product at once (a proposal, as is or edited).

    Ids from the request are checked against the product first; one UPDATE per category, and
    only items whose category changes are written. Returns how many changed.
    """
    bad = sorted({v for v in assignments.values() if v not in MOSCOW_VALUES})
    if bad:
        raise ValidationError({"moscow": f"Unknown MoSCoW category: {', '.join(map(str, bad))}."})
    products_lock([product.pk])
    ids = set(items_lock(assignments, product_id=product.pk))
    if ids != set(assignments):
        raise ValidationError({"items": "Some items are not in this product's backlog."})
    changed = 0
    for category in MOSCOW_VALUES:
        chosen = [pk for pk, value in assignments.items() if value == category]
        if chosen:
            changed += (
                BacklogItem.objects.filter(pk__in=chosen)
                .exclude(moscow=category)
                .update(moscow=category, version=F("version") + 1, updated_at=timezone.now())
            )
    return changed

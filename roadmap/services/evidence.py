"""The customer evidence columns of initiatives, written by discovery (which computes them from its insights)."""

from decimal import Decimal

from django.db import transaction

from core.figures import figures_bump

from ..models import Initiative


@transaction.atomic
def initiative_customer_impact_set(*, figures: dict[int, tuple[Decimal, int]]) -> int:
    """Store each initiative's (customer impact, evidence count); returns how many rows changed (idempotent)."""
    if not figures:
        return 0
    initiatives = list(
        Initiative.objects.filter(pk__in=list(figures))
        .only("id", "customer_impact", "evidence_count", "product__workspace_id")
        .select_related("product")
        .order_by("pk")
    )
    changed = []
    for initiative in initiatives:
        impact, count = figures[initiative.pk]
        impact = Decimal(impact).quantize(Decimal("0.01"))
        if initiative.customer_impact != impact or initiative.evidence_count != count:
            initiative.customer_impact, initiative.evidence_count = impact, count
            changed.append(initiative)
    Initiative.objects.bulk_update(changed, ["customer_impact", "evidence_count"], batch_size=500)
    for workspace_id in {initiative.product.workspace_id for initiative in changed}:
        figures_bump(workspace_id=workspace_id)  # the cached figures that read the evidence (dashboards)
    return len(changed)

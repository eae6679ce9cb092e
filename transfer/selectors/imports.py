"""Reads of imports, scoped to the product the page or endpoint was opened for."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from workspaces.models import Capability

from ..models import ImportBatch
from ..targets import target_get


def import_list(*, product) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(product=product).select_related("job", "started_by").order_by("-created_at", "-id")
    )


def import_get(*, product, batch_id: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("product__workspace", "job", "started_by"), product=product, pk=batch_id
    )


def import_capability(target: str) -> str:
    """Items are written by item editors; initiatives, objectives and key results by strategy roles."""
    found = target_get(target)
    return Capability.EDIT_ITEMS if found is None or found.name == "items" else Capability.EDIT_STRATEGY

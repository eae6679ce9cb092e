"""The object a forecast is about, looked up inside the product the user may read (404 otherwise)."""

from django.shortcuts import get_object_or_404

from backlog.selectors.items import item_list
from roadmap.selectors.initiatives import initiative_list
from roadmap.selectors.releases import release_list


def scope_object(*, product, scope: str, scope_id: int | None):
    """The epic, initiative or release `scope_id` of `product`, or None for the top of the backlog."""
    if scope == "epic":
        return get_object_or_404(item_list(product=product).filter(kind="epic"), pk=scope_id)
    if scope == "initiative":
        return get_object_or_404(initiative_list(product=product), pk=scope_id)
    if scope == "release":
        return get_object_or_404(release_list(product=product), pk=scope_id)
    return None

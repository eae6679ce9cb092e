"""The object a forecast is about, looked up inside the product the user may read (404 otherwise), and its forecast."""

from django.shortcuts import get_object_or_404

from backlog.selectors.items import item_list
from roadmap.selectors.initiatives import initiative_list
from roadmap.selectors.releases import release_list

from ..forecast import TRIALS_DEFAULT
from .forecasts import forecast


def scope_object(*, product, scope: str, scope_id: int | None):
    """The epic, initiative or release `scope_id` of `product`, or None for the top of the backlog."""
    if scope == "epic":
        return get_object_or_404(item_list(product=product).filter(kind="epic"), pk=scope_id)
    if scope == "initiative":
        return get_object_or_404(initiative_list(product=product), pk=scope_id)
    if scope == "release":
        return get_object_or_404(release_list(product=product), pk=scope_id)
    return None


def scope_forecast(*, product, params: dict):
    """(subject, forecast) for the validated forecast parameters of the page or the API: `scope` with
    its `id`, and optional `top`, `window`, `trials`, `growth` and `by`."""
    subject = scope_object(product=product, scope=params["scope"], scope_id=params.get("id"))
    result = forecast(
        product=product,
        scope=params["scope"],
        scope_id=subject.pk if subject is not None else None,
        top=params.get("top") or 20,
        window=params.get("window"),
        trials=params.get("trials") or TRIALS_DEFAULT,
        growth=params["growth"],
        by_date=params.get("by"),
    )
    return subject, result

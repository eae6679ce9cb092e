"""The what-if scenario's item picker: matches as JSON for the search-as-you-type field."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from products.selectors import product_access

from . import selectors


@login_required
def scenario_item_choices(request, product_id: int):
    """Items of this product matching ?q= (static/js/search-select.js asks as the user types)."""
    access = product_access(user=request.user, product_id=product_id)
    results = selectors.scenario_item_choices(product=access.product, user=request.user, query=request.GET.get("q", ""))
    return JsonResponse({"results": results})

"""The forecast fragment (htmx): shown on the release plan, initiative and epic pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from products.selectors import product_access

from ..forms import ForecastForm
from ..selectors.scopes import scope_forecast


@login_required
def forecast_fragment(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    form = ForecastForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        return render(request, "delivery/_partials/forecast.html", {"error": errors}, status=400)
    subject, result = scope_forecast(product=access.product, params=form.cleaned_data)
    target = getattr(subject, "target_date", None) or getattr(subject, "end_date", None)
    return render(
        request,
        "delivery/_partials/forecast.html",
        {"forecast": result, "subject": subject, "target": target, "product": access.product, "query": request.GET},
    )

"""The forecast fragment (htmx): shown on the release plan, initiative and epic pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from products.selectors import product_access

from ..forms import ForecastForm
from ..selectors.forecasts import forecast
from ..selectors.scopes import scope_object


@login_required
def forecast_fragment(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    form = ForecastForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        return render(request, "delivery/_partials/forecast.html", {"error": errors}, status=400)
    data = form.cleaned_data
    subject = scope_object(product=access.product, scope=data["scope"], scope_id=data.get("id"))
    result = forecast(
        product=access.product,
        scope=data["scope"],
        scope_id=subject.pk if subject is not None else None,
        top=data.get("top") or 20,
        window=data.get("window"),
        trials=data.get("trials") or 10_000,
        growth=data["growth"],
        by_date=data.get("by"),
    )
    target = getattr(subject, "target_date", None) or getattr(subject, "end_date", None)
    return render(
        request,
        "delivery/_partials/forecast.html",
        {"forecast": result, "subject": subject, "target": target, "product": access.product, "query": request.GET},
    )

"""Pages that apply a ranking to the backlog's manual order, follow the job and undo it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from products.selectors import product_access

from . import selectors, services
from .models import Framework
from .views import APPLY_RANKING, _context, _ranking_url


@login_required
@require_POST
def ranking_apply(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    access.require(APPLY_RANKING)
    framework = selectors.framework_or_default(product=access.product, framework=request.POST.get("framework"))
    services.ranking_apply_start(product=access.product, framework=framework, actor=request.user)
    messages.success(
        request, f"Applying the {Framework(framework).label} ranking to the backlog's order: undo is offered below."
    )
    return redirect(_ranking_url(access) + f"?framework={framework}")


@login_required
@require_POST
def ranking_undo(request, product_id: int, job_id: int):
    access = product_access(user=request.user, product_id=product_id)
    access.require(APPLY_RANKING)
    applied = get_object_or_404(selectors.ranking_apply_queryset(product=access.product), pk=job_id)
    try:
        services.ranking_undo_start(product=access.product, applied=applied, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Putting the backlog back in its previous order.")
    return redirect(_ranking_url(access))


@login_required
def apply_status(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    return render(
        request,
        "prioritization/_apply_status.html",
        _context(access, apply_job=selectors.ranking_apply_latest(product=access.product)),
    )

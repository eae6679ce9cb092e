"""Evidence fragments loaded by item and initiative pages (htmx), and the themes page."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backlog.models import BacklogItem
from products.selectors import product_access
from roadmap.models import Initiative
from workspaces.models import Capability

from ..selectors.evidence import evidence_of
from ..selectors.themes import themes_of
from ..services.analysis import ANALYSIS_MISSING, analysis_status
from ..services.themes import default_period, themes_enqueue


@login_required
def item_evidence(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    item = get_object_or_404(BacklogItem.objects.filter(product=access.product), pk=pk)
    evidence = evidence_of(target="item", target_id=item.pk, workspace_id=access.workspace.pk)
    return render(
        request, "discovery/_partials/evidence.html", {"evidence": evidence, "product": access.product, "target": item}
    )


@login_required
def initiative_evidence(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    initiative = get_object_or_404(Initiative.objects.filter(product=access.product), pk=pk)
    evidence = evidence_of(target="initiative", target_id=initiative.pk, workspace_id=access.workspace.pk)
    return render(
        request,
        "discovery/_partials/evidence.html",
        {"evidence": evidence, "product": access.product, "target": initiative},
    )


def _date(request, name: str, default: date) -> date:
    value = request.GET.get(name) or request.POST.get(name) or ""
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return default


def _period(request) -> tuple[date, date]:
    default = default_period(timezone.localdate())
    start, end = _date(request, "start", default[0]), _date(request, "end", default[1])
    if end < start or (end - start).days > 3660:
        return default
    return start, end


@login_required
def themes(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    start, end = _period(request)
    embeddings, reason = analysis_status()
    return render(
        request,
        "discovery/themes.html",
        {
            "access": access,
            "perms": access.perms,
            "product": access.product,
            "workspace": access.workspace,
            "can_edit": access.can(Capability.EDIT_ITEMS),
            "start": start,
            "end": end,
            "themes": themes_of(product=access.product, start=start, end=end),
            "analysis_available": not ANALYSIS_MISSING,
            "embeddings": embeddings,
            "analysis_reason": reason,
        },
    )


@login_required
@require_POST
def themes_refresh(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    access.require(Capability.EDIT_ITEMS)
    start, end = _period(request)
    themes_enqueue(product_id=access.product.pk, start=start, end=end)
    messages.success(request, "Themes are being recomputed; reload in a moment.")
    return redirect(f"{request.path.rsplit('refresh/', 1)[0]}?start={start}&end={end}")

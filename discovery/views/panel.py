"""The feedback panel of the executive dashboards (loaded into them with htmx)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from products.selectors import product_access
from workspaces.selectors import workspace_access

from ..selectors.themes import evidence_backed_share_of, feedback_over_time, latest_themes


def _panel(request, access, product_ids):
    product_ids = list(product_ids)
    weeks = feedback_over_time(product_ids=product_ids, today=timezone.localdate())
    busiest = max((w["notes"] for w in weeks), default=0)
    for week in weeks:
        week["percent"] = round(100 * week["notes"] / busiest) if busiest else 0
    share = evidence_backed_share_of(workspace_id=access.workspace.pk, product_ids=product_ids)
    return render(
        request,
        "discovery/_partials/feedback_panel.html",
        {"weeks": weeks, "themes": latest_themes(product_ids=product_ids), "share": share, "product": access.product},
    )


@login_required
def workspace_feedback_panel(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    return _panel(request, access, access.workspace.products.values_list("id", flat=True))


@login_required
def product_feedback_panel(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    return _panel(request, access, [access.product.pk])

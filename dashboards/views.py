from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from core.db_router import use_replica
from core.xlsx import XLSX_CONTENT_TYPE
from okrs.selectors import last_recompute_job
from okrs.services.scheduling import okr_recompute_start
from products.selectors import product_access
from workspaces.models import Capability
from workspaces.selectors import Access, workspace_access

from .exports import dashboard_csv, dashboard_xlsx
from .forms import PeriodForm
from .selectors import dashboard_figures, default_period, period_options

# The page shows the first rows of its long lists with "and N more" (the exports and the API: all).
INITIATIVE_ROWS = 25
UNLINKED_ROWS = 10


def _first(rows: list, limit: int) -> dict:
    return {"rows": rows[:limit], "more": max(len(rows) - limit, 0), "total": len(rows)}


def _period(request) -> tuple[str, PeriodForm]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["period"]:
        return form.cleaned_data["period"], form
    return default_period(), form


def _render(request, access: Access, *, csv: bool, xlsx: bool = False):
    period, form = _period(request)
    figures = dashboard_figures(access=access, period=period)
    if csv or xlsx:
        scope = access.product.key if access.product else access.workspace.slug
        if xlsx:
            response = HttpResponse(dashboard_xlsx(figures), content_type=XLSX_CONTENT_TYPE)
        else:
            response = HttpResponse(dashboard_csv(figures), content_type="text/csv; charset=utf-8")
        extension = "xlsx" if xlsx else "csv"
        response["Content-Disposition"] = f'attachment; filename="dashboard-{slugify(scope)}-{period}.{extension}"'
        return response
    last_job = last_recompute_job(workspace=access.workspace) if access.product is None else None
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "access": access,
            "perms": access.perms,
            "workspace": access.workspace,
            "product": access.product,
            "is_workspace_page": access.product is None,
            "figures": figures,
            "initiative_rows": _first(figures["initiatives"], INITIATIVE_ROWS),
            "unlinked_rows": _first(figures["coverage"]["unlinked"], UNLINKED_ROWS),
            "period": period,
            "period_form": form,
            "periods": period_options(access=access, selected=period),
            "last_job": last_job,
        },
    )


@login_required
@use_replica
def workspace_dashboard(request, workspace_id: int):
    return _render(request, workspace_access(user=request.user, workspace_id=workspace_id), csv=False)


@login_required
@use_replica
def workspace_dashboard_csv(request, workspace_id: int):
    return _render(request, workspace_access(user=request.user, workspace_id=workspace_id), csv=True)


@login_required
@use_replica
def workspace_dashboard_xlsx(request, workspace_id: int):
    return _render(request, workspace_access(user=request.user, workspace_id=workspace_id), csv=False, xlsx=True)


@login_required
@use_replica
def product_dashboard(request, product_id: int):
    return _render(request, product_access(user=request.user, product_id=product_id), csv=False)


@login_required
@use_replica
def product_dashboard_csv(request, product_id: int):
    return _render(request, product_access(user=request.user, product_id=product_id), csv=True)


@login_required
@use_replica
def product_dashboard_xlsx(request, product_id: int):
    return _render(request, product_access(user=request.user, product_id=product_id), csv=False, xlsx=True)


@login_required
@require_POST
def workspace_recompute(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    access.require(Capability.EDIT_STRATEGY)
    okr_recompute_start(workspace=access.workspace, actor=request.user)
    messages.success(request, "Recompute queued: the figures refresh when the job is done.")
    return redirect("dashboards:workspace_dashboard", workspace_id=workspace_id)

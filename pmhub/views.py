"""The project's own pages: the start page and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from core import outbox
from workspaces.forms import WorkspaceForm
from workspaces.selectors import workspace_list_for_user


@login_required
def home(request):
    workspaces = list(workspace_list_for_user(user=request.user))
    if len(workspaces) == 1:
        return redirect("products:product_list", workspace_id=workspaces[0].pk)
    return render(request, "products/home.html", {"workspaces": workspaces, "form": WorkspaceForm()})


@never_cache
@require_GET
def healthz(request):
    """Database and broker state for load balancers and compose health checks (no secrets).

    `?live=1` answers only that the process serves requests (a liveness probe: a database or broker
    outage must not restart every web process)."""
    if request.GET.get("live"):
        return JsonResponse({"status": "ok"})
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure here means "not healthy", which is what we report
        checks["database"] = f"error: {type(error).__name__}"
    if not settings.CELERY_BROKER_URL:
        checks["broker"] = "in-process (no broker configured)"
    else:
        try:
            with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:  # same: reported, not hidden
            checks["broker"] = f"error: {type(error).__name__}"
    healthy = all(v == "ok" or v.startswith("in-process") for v in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    if checks["database"] == "ok":
        # Side effects waiting for the broker (core.outbox): a growing backlog means it is away.
        body["outbox"] = outbox.backlog()
    return JsonResponse(body, status=200 if healthy else 503)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", {"message": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(None, "errors/500.html", status=500)

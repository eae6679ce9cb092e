"""Trash pages: what was deleted in a workspace in the last 30 days, restore, delete for good, and undo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError
from workspaces.models import Capability
from workspaces.selectors import workspace_access

from ..models import TRASH_DAYS
from ..selectors.trash import can_restore, trash_entry_for_user, trash_of_workspace
from ..services.trash import trash_entry_delete, trash_restore


@login_required
@require_GET
def trash_list(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    page = Paginator(trash_of_workspace(workspace_id=workspace_id), 50).get_page(request.GET.get("page"))
    rows = [{"entry": e, "can_restore": can_restore(access, e)} for e in page.object_list]
    return render(
        request,
        "collaboration/trash.html",
        {
            "workspace": access.workspace,
            "page": page,
            "rows": rows,
            "days": TRASH_DAYS,
            "can_purge": access.can(Capability.MANAGE_WORKSPACE),
        },
    )


def _next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def trash_restore_view(request, pk: int):
    entry, access = trash_entry_for_user(user=request.user, entry_id=pk)
    if not can_restore(access, entry):
        raise PermissionDenied("Your role may not restore this.")
    back = _next(request, redirect("collaboration:trash", workspace_id=entry.workspace_id).url)
    try:
        trash_restore(entry=entry, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, f"“{entry.title}” restored.")
    return redirect(entry.url or back)


@login_required
@require_POST
def trash_delete_view(request, pk: int):
    """Delete one entry for good: admins only, after the page asked for confirmation."""
    entry, access = trash_entry_for_user(user=request.user, entry_id=pk)
    access.require(Capability.MANAGE_WORKSPACE)
    trash_entry_delete(entry=entry)
    messages.success(request, f"“{entry.title}” deleted for good.")
    return redirect("collaboration:trash", workspace_id=entry.workspace_id)

"""The workspace backup page (admins): download the lossless export; restore one into a new workspace."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from core.exceptions import ApplicationError
from workspaces.models import Capability
from workspaces.selectors import workspace_access

from ..selectors.backup import workspace_export_lines
from ..services.backup import workspace_import

RESTORE_MAX_BYTES = 2 * 1024**3


@login_required
def backup_page(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    access.require(Capability.MANAGE_WORKSPACE)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > RESTORE_MAX_BYTES:
            messages.error(request, "Choose an export file (a .jsonl file made by PMHub, at most 2 GB).")
        else:
            try:
                lines = io.TextIOWrapper(upload.file, encoding="utf-8")
                name = (request.POST.get("name") or "").strip()[:100] or None
                workspace, counts = workspace_import(lines=lines, name=name, admin=request.user)
            except (ApplicationError, UnicodeDecodeError) as error:
                messages.error(request, getattr(error, "message", str(error)))
            else:
                messages.success(
                    request,
                    f"Restored into the new workspace “{workspace.name}”: "
                    f"{counts.get('backlog.backlogitem', 0)} items.",
                )
                return redirect("products:product_list", workspace_id=workspace.pk)
    context = {"access": access, "perms": access.perms, "workspace": access.workspace}
    return render(request, "transfer/backup.html", context)


@login_required
def backup_download(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    access.require(Capability.MANAGE_WORKSPACE)
    name = f"{slugify(access.workspace.name) or 'workspace'}-{timezone.now():%Y%m%d-%H%M}.jsonl"
    response = StreamingHttpResponse(
        workspace_export_lines(workspace=access.workspace), content_type="application/x-ndjson"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

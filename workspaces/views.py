"""Pages of a workspace itself: creating one and managing its members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from . import selectors, services
from .forms import MemberAddForm, MemberRoleForm, WorkspaceForm
from .models import Capability


@login_required
def workspace_create(request):
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = services.workspace_create(name=form.cleaned_data["name"], actor=request.user)
        messages.success(request, f"Workspace “{workspace.name}” created. You are its admin.")
        return redirect("products:product_list", workspace_id=workspace.pk)
    return render(request, "workspaces/workspace_form.html", {"form": form})


@login_required
def member_list(request, workspace_id: int):
    access = selectors.workspace_access(user=request.user, workspace_id=workspace_id)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST":
        access.require(Capability.MANAGE_WORKSPACE)
        if form.is_valid():
            try:
                membership = services.membership_add(
                    workspace=access.workspace,
                    user=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except ApplicationError as error:
                form.add_error("username", error.message)
            else:
                messages.success(request, f"{membership.user.username} added as {membership.get_role_display()}.")
                return redirect("workspaces:member_list", workspace_id=workspace_id)
    return render(
        request,
        "workspaces/member_list.html",
        {
            "access": access,
            "perms": access.perms,
            "workspace": access.workspace,
            "form": form,
            "members": selectors.members_for_workspace(workspace=access.workspace),
            "role_form": MemberRoleForm(),
            "is_workspace_page": True,
        },
    )


def _membership_for_admin(request, workspace_id: int, pk: int):
    access = selectors.workspace_access(user=request.user, workspace_id=workspace_id)
    membership = get_object_or_404(access.workspace.memberships.select_related("user"), pk=pk)
    access.require(Capability.MANAGE_WORKSPACE)
    return membership


@login_required
@require_POST
def member_role(request, workspace_id: int, pk: int):
    membership = _membership_for_admin(request, workspace_id, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick one of the roles.")
    else:
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{membership.user.username} is now {membership.get_role_display()}.")
    return redirect("workspaces:member_list", workspace_id=workspace_id)


@login_required
@require_POST
def member_remove(request, workspace_id: int, pk: int):
    membership = _membership_for_admin(request, workspace_id, pk)
    try:
        services.membership_remove(membership=membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.user.username} removed from the workspace.")
    return redirect("workspaces:member_list", workspace_id=workspace_id)

"""Pages of a workspace itself: creating one, managing its members, inviting people and accepting invitations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from . import selectors, services
from .emails import site_url_for
from .forms import InvitationForm, InvitationSignUpForm, MemberRoleForm, WorkspaceForm
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
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        access.require(Capability.MANAGE_WORKSPACE)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    workspace=access.workspace,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    site_url=site_url_for(request),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                # The same answer for every address: whether it has an account is not the admin's to learn.
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email} as {invitation.get_role_display()}. They join when"
                    f" they accept it; the link works for {settings.INVITATION_LIFETIME_DAYS} days.",
                )
                return redirect("workspaces:member_list", workspace_id=workspace_id)
    can_manage = access.can(Capability.MANAGE_WORKSPACE)
    return render(
        request,
        "workspaces/member_list.html",
        {
            "access": access,
            "perms": access.perms,
            "workspace": access.workspace,
            "form": form,
            "members": selectors.members_for_workspace(workspace=access.workspace),
            "invitations": selectors.invitations_open_for_workspace(workspace=access.workspace) if can_manage else [],
            "now": timezone.now(),
            "role_form": MemberRoleForm(),
            "is_workspace_page": True,
        },
        status=400 if form.errors else 200,
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


def _invitation_for_admin(request, workspace_id: int, pk: int):
    access = selectors.workspace_access(user=request.user, workspace_id=workspace_id)
    access.require(Capability.MANAGE_WORKSPACE)
    return get_object_or_404(access.workspace.invitations, pk=pk)


@login_required
@require_POST
def invitation_resend(request, workspace_id: int, pk: int):
    invitation = _invitation_for_admin(request, workspace_id, pk)
    try:
        invitation = services.invitation_resend(
            invitation=invitation, actor=request.user, site_url=site_url_for(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Invitation sent again to {invitation.email}, with a new link; the old one no longer works."
        )
    return redirect("workspaces:member_list", workspace_id=workspace_id)


@login_required
@require_POST
def invitation_revoke(request, workspace_id: int, pk: int):
    invitation = _invitation_for_admin(request, workspace_id, pk)
    try:
        invitation = services.invitation_revoke(invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invitation to {invitation.email} revoked: its link no longer works.")
    return redirect("workspaces:member_list", workspace_id=workspace_id)


def _render_invitation(request, invitation, *, sign_up_form=None, error=None, blocked=False, status=200):
    """The invitation page; `blocked`: the visitor may not accept it (closed, or another person's)."""
    return render(
        request,
        "workspaces/invitation_accept.html",
        {
            "invitation": invitation,
            "sign_up_form": sign_up_form or InvitationSignUpForm(),
            "error": error,
            "blocked": blocked,
        },
        status=status,
    )


def invitation_accept(request, token: str):
    """The page an invitation's link opens: accept (signed in), or sign in, or make an account first."""
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None:
        return render(request, "workspaces/invitation_invalid.html", status=404)
    closed = services.invitation_closed_reason(invitation)
    if closed is not None:
        return _render_invitation(request, invitation, error=closed, blocked=True, status=410)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        return _render_invitation(request, invitation)
    refusal = services.invitation_refusal(invitation=invitation, user=request.user)
    if refusal is not None:
        return _render_invitation(request, invitation, error=refusal, blocked=True, status=403)
    if request.method != "POST":
        return _render_invitation(request, invitation)
    try:
        membership = services.invitation_accept(invitation=invitation, user=request.user)
    except ApplicationError as error:
        return _render_invitation(request, invitation, error=error.message, blocked=True, status=409)
    messages.success(request, f"Welcome to {invitation.workspace.name}. Your role: {membership.get_role_display()}.")
    return redirect("products:product_list", workspace_id=invitation.workspace_id)


@require_POST
def invitation_sign_up(request, token: str):
    """Make an account for the invited address, sign in with it and accept, in one step."""
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None:
        return render(request, "workspaces/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        return redirect("workspaces:invitation_accept", token=token)
    form = InvitationSignUpForm(request.POST)
    if not form.is_valid():
        return _render_invitation(request, invitation, sign_up_form=form, status=400)
    try:
        user, membership = services.invitation_accept_with_new_account(
            invitation=invitation, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error({"password": "password1"}.get(field, field if field in form.fields else None), message)
        return _render_invitation(request, invitation, sign_up_form=form, status=400)
    except ApplicationError as error:
        return _render_invitation(request, invitation, sign_up_form=form, error=error.message, status=409)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        f"Your account {user.username} is ready. Welcome to {invitation.workspace.name}."
        f" Your role: {membership.get_role_display()}.",
    )
    return redirect("products:product_list", workspace_id=invitation.workspace_id)

"""Reads of workspaces, memberships and invitations, scoped to the user's workspaces; `Access` says who may do what."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from .models import Capability, Invitation, Membership, Role, Workspace


@dataclass(frozen=True)
class Access:
    """Who is asking, in which workspace (and product), with which role."""

    workspace: Workspace
    membership: Membership
    product: Any = None  # the product, on a product-scoped page or endpoint

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, capability: str) -> bool:
        return self.membership.can(capability)

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise PermissionDenied(f"Your role ({self.membership.get_role_display()}) may not do this.")

    @property
    def perms(self) -> dict[str, bool]:
        """For templates: {{ perms.edit_strategy }} and so on."""
        return {c: self.can(c) for c in Capability.values}


def workspaces_for_user(*, user) -> QuerySet[Workspace]:
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user)


def workspace_ids_for_user(*, user) -> QuerySet:
    return Membership.objects.filter(user=user).values("workspace_id")


def workspace_list_for_user(*, user) -> QuerySet[Workspace]:
    return workspaces_for_user(user=user).annotate(product_count=Count("products", distinct=True)).order_by("name")


def workspace_access(*, user, workspace_id: int) -> Access:
    """The user's access to a workspace; 404 when they are not a member (it may as well not exist)."""
    membership = get_object_or_404(Membership.objects.select_related("workspace"), workspace_id=workspace_id, user=user)
    return Access(workspace=membership.workspace, membership=membership)


def members_for_workspace(*, workspace: Workspace) -> QuerySet[Membership]:
    return workspace.memberships.select_related("user").order_by("user__username")


def users_of_workspace(*, workspace_id: int):
    return get_user_model().objects.filter(memberships__workspace_id=workspace_id).order_by("username")


def admin_count(*, workspace: Workspace) -> int:
    return workspace.memberships.filter(role=Role.ADMIN).count()


def invitations_open_for_workspace(*, workspace: Workspace) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked (expired ones included: an admin may send them again)."""
    return (
        workspace.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("created_by")
        .order_by("email")
    )


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation a link's token opens, whatever its state; None for a token that opens nothing."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("workspace", "created_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )

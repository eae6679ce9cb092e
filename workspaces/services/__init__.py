"""Writes of workspaces, memberships and invitations, split by topic; import them from here."""

from .invitations import (
    email_normalize,
    invitation_accept,
    invitation_accept_with_new_account,
    invitation_closed_reason,
    invitation_create,
    invitation_refusal,
    invitation_resend,
    invitation_revoke,
)
from .memberships import membership_change_role, membership_remove
from .workspaces import workspace_create, workspace_update

__all__ = [
    "email_normalize",
    "invitation_accept",
    "invitation_accept_with_new_account",
    "invitation_closed_reason",
    "invitation_create",
    "invitation_refusal",
    "invitation_resend",
    "invitation_revoke",
    "membership_change_role",
    "membership_remove",
    "workspace_create",
    "workspace_update",
]

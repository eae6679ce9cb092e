"""Writes of memberships that exist already: a role changes, a member leaves.

A membership begins in one of two ways only: the creator of a workspace becomes its admin
(`workspace_create`), and a person accepts an invitation (`invitation_accept`). Nobody is
added to a workspace without having asked for it.
"""

from django.db import transaction

from core.exceptions import ApplicationError
from core.services import instance_update

from ..models import Membership, Role


def _ensure_another_admin(membership: Membership) -> None:
    locked = Membership.objects.select_for_update().filter(workspace_id=membership.workspace_id, role=Role.ADMIN)
    if membership.role == Role.ADMIN and not locked.exclude(pk=membership.pk).exists():
        raise ApplicationError("A workspace needs at least one admin: make someone else admin first.")


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role != Role.ADMIN:
        _ensure_another_admin(membership)
    return instance_update(instance=membership, data={"role": role})[0]


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    _ensure_another_admin(membership)
    membership.delete()

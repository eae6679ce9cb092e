"""Writes of workspaces and memberships."""

from django.db import transaction
from django.utils.text import slugify

from core.exceptions import ApplicationError
from core.services import instance_create, instance_update

from .models import Membership, Role, Workspace


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def workspace_create(*, name: str, actor) -> Workspace:
    """Any signed-in user may create a workspace; they become its admin."""
    workspace = instance_create(instance=Workspace(name=name, slug=_unique_slug(name)), actor=actor)
    instance_create(instance=Membership(workspace=workspace, user=actor, role=Role.ADMIN), actor=actor)
    return workspace


@transaction.atomic
def workspace_update(*, workspace: Workspace, name: str) -> Workspace:
    return instance_update(instance=workspace, data={"name": name})[0]


@transaction.atomic
def membership_add(*, workspace: Workspace, user, role: str, actor) -> Membership:
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ApplicationError(f"{user.username} is already a member of {workspace.name}.")
    return instance_create(instance=Membership(workspace=workspace, user=user, role=role), actor=actor)


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

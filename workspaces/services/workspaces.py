"""Writes of workspaces."""

from django.db import transaction
from django.utils.text import slugify

from core.services import instance_create, instance_update

from ..models import Membership, Role, Workspace


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

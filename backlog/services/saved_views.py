"""Saved backlog views: who may save, share, change and delete them (one place for every path)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.services import instance_create, instance_update
from workspaces.models import Capability
from workspaces.selectors import Access

from ..models import SAVED_VIEWS_PER_PRODUCT_MAX, SavedView

# Sharing a view puts it in everyone's sidebar: for the roles that shape the backlog.
SHARE_CAPABILITY = Capability.EDIT_ITEMS


def _check_share(*, access: Access, shared: bool) -> None:
    if shared and not access.can(SHARE_CAPABILITY):
        raise PermissionDenied("Your role may save personal views only; sharing needs the right to edit items.")


def saved_view_check_write(*, view: SavedView, access: Access, actor) -> None:
    """A personal view is its owner's; a shared one may be changed by anyone who may share."""
    if view.shared:
        if not access.can(SHARE_CAPABILITY):
            raise PermissionDenied("Your role may not change a shared view.")
    elif view.owner_id != actor.pk:
        raise PermissionDenied("This is someone else's personal view.")


@transaction.atomic
def saved_view_create(*, access: Access, product, actor, data: dict) -> SavedView:
    if product.workspace_id != access.workspace.pk:
        raise ValidationError({"product": "This product is not in your workspace."})
    _check_share(access=access, shared=bool(data.get("shared")))
    if SavedView.objects.filter(product=product, owner=actor).count() >= SAVED_VIEWS_PER_PRODUCT_MAX:
        raise ValidationError(f"At most {SAVED_VIEWS_PER_PRODUCT_MAX} saved views per product and person.")
    view = SavedView(product=product, owner=actor, **{k: v for k, v in data.items() if k != "product"})
    if SavedView.objects.filter(product=product, owner=actor, name=view.name).exists():
        raise ValidationError({"name": "You already have a view with this name."})
    return instance_create(instance=view, actor=actor)


@transaction.atomic
def saved_view_update(*, view: SavedView, access: Access, actor, data: dict) -> SavedView:
    saved_view_check_write(view=view, access=access, actor=actor)
    if "shared" in data:
        _check_share(access=access, shared=bool(data["shared"]))
    data = {k: v for k, v in data.items() if k not in ("product", "owner")}
    name = data.get("name", view.name)
    if SavedView.objects.filter(product=view.product_id, owner=view.owner_id, name=name).exclude(pk=view.pk).exists():
        raise ValidationError({"name": "There is already a view with this name."})
    return instance_update(instance=view, data=data)[0]


@transaction.atomic
def saved_view_delete(*, view: SavedView, access: Access, actor) -> None:
    saved_view_check_write(view=view, access=access, actor=actor)
    view.delete()

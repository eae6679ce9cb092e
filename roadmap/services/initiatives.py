"""Writes of initiatives (themes and releases use the shared instance_create/instance_update)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.events import publish
from core.ranks import RANK_GAP
from core.services import instance_create, instance_delete, instance_update

from ..models import INITIATIVE_LINKS_MAX, Initiative


def initiative_announce(event: str, initiative: Initiative, *, workspace_id: int | None = None, **extra) -> None:
    """Publish an initiative event in the one payload shape every write uses, whichever page or endpoint made it.

    Pass `workspace_id` when it is already known, so that the product is not read again.
    """
    data = {
        "id": initiative.pk,
        "product": initiative.product_id,
        "title": initiative.title,
        "horizon": initiative.horizon,
        "status": initiative.status,
        "version": initiative.version,
        **extra,
    }
    publish(event=event, workspace_id=workspace_id or initiative.product.workspace_id, data=data)


def initiative_links_check(m2m: dict[str, Iterable] | None) -> dict[str, list]:
    """The initiative's many-to-many values as lists, refused when one holds more than INITIATIVE_LINKS_MAX."""
    links = {name: list(values) for name, values in (m2m or {}).items()}
    errors = {
        name: f"At most {INITIATIVE_LINKS_MAX} per initiative."
        for name, values in links.items()
        if len(values) > INITIATIVE_LINKS_MAX
    }
    if errors:
        raise ValidationError(errors)
    return links


@transaction.atomic
def initiative_create(*, instance: Initiative, actor, m2m: dict[str, Iterable] | None = None) -> Initiative:
    """Add an initiative at the end of its now/next/later column."""
    m2m = initiative_links_check(m2m)
    if not instance.rank:
        last = Initiative.objects.filter(product_id=instance.product_id, horizon=instance.horizon).aggregate(
            r=Max("rank")
        )["r"]
        instance.rank = (last or 0) + RANK_GAP
    initiative = instance_create(instance=instance, actor=actor, m2m=m2m)
    initiative_announce("initiative.created", initiative, actor=getattr(actor, "pk", None))
    return initiative


@transaction.atomic
def initiative_update(*, initiative: Initiative, data: dict, m2m: dict[str, Iterable] | None = None) -> Initiative:
    m2m = initiative_links_check(m2m)
    initiative, changed = instance_update(instance=initiative, data=data, m2m=m2m)
    if changed:
        initiative_announce("initiative.updated", initiative, changed=changed)
    return initiative


@transaction.atomic
def initiative_delete(*, initiative: Initiative, actor=None) -> None:
    initiative_id = initiative.pk
    instance_delete(instance=initiative, actor=actor)
    initiative.pk = initiative_id
    initiative_announce("initiative.deleted", initiative, actor=getattr(actor, "pk", None))

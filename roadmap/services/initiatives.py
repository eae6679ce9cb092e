"""Writes of initiatives (themes and releases use the shared instance_create/instance_update)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.dependencies import CYCLE, SELF_DEPENDENCY, first_cycle
from core.events import publish
from core.ranks import RANK_GAP
from core.services import instance_create, instance_delete, instance_update
from customfields.models import FieldTarget
from customfields.values import custom_values_clean

from ..models import INITIATIVE_LINKS_MAX, Initiative, InitiativeStatus

# The namespace of the advisory lock that serialises initiative dependency writes of one workspace.
_LOCK_NAMESPACE = 15_002


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


def initiative_dependencies_check(*, initiative: Initiative, depends_on: Iterable[Initiative]) -> None:
    """Refuse a self-dependency, another workspace's initiative, or a list that would close a loop.

    Runs under a per-workspace advisory lock (held to the end of the transaction), so two writes that
    each close half of a loop cannot both pass.
    """
    depends_on = list(depends_on)
    workspace_id = initiative.product.workspace_id
    if initiative.pk is not None and any(other.pk == initiative.pk for other in depends_on):
        raise ValidationError({"depends_on": SELF_DEPENDENCY})
    if initiative.pk is None or not depends_on:
        return  # a new initiative has nothing waiting for it yet: it cannot close a loop
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, workspace_id])
    through = Initiative.depends_on.through
    edges = [
        (a, b)
        for a, b in through.objects.filter(from_initiative__product__workspace_id=workspace_id).values_list(
            "from_initiative_id", "to_initiative_id"
        )
        if a != initiative.pk
    ]
    path = first_cycle(edges=edges, new_edges=[(initiative.pk, other.pk) for other in depends_on])
    if path is not None:
        titles = dict(Initiative.objects.filter(pk__in=set(path)).values_list("pk", "title"))
        raise ValidationError({"depends_on": CYCLE.format(path=" → ".join(titles.get(i, "?") for i in path))})


def _shipped(initiative: Initiative, data: dict) -> dict:
    """Record when an initiative becomes shipped (the outcome review counts from then)."""
    status = data.get("status", initiative.status)
    if status == InitiativeStatus.SHIPPED and (initiative.status != status or initiative.shipped_at is None):
        return {**data, "shipped_at": timezone.now()}
    return data


@transaction.atomic
def initiative_create(*, instance: Initiative, actor, m2m: dict[str, Iterable] | None = None) -> Initiative:
    """Add an initiative at the end of its now/next/later column."""
    m2m = initiative_links_check(m2m)
    if instance.status == InitiativeStatus.SHIPPED and instance.shipped_at is None:
        instance.shipped_at = timezone.now()
    instance.custom_fields = custom_values_clean(
        values=instance.custom_fields, product=instance.product, target=FieldTarget.INITIATIVE
    )
    if not instance.rank:
        last = Initiative.objects.filter(product_id=instance.product_id, horizon=instance.horizon).aggregate(
            r=Max("rank")
        )["r"]
        instance.rank = (last or 0) + RANK_GAP
    initiative = instance_create(instance=instance, actor=actor, m2m=m2m)
    initiative_announce("initiative.created", initiative, actor=getattr(actor, "pk", None))
    if initiative.shipped_at is not None:
        initiative_announce("initiative.shipped", initiative, shipped_at=initiative.shipped_at.isoformat())
    return initiative


@transaction.atomic
def initiative_update(*, initiative: Initiative, data: dict, m2m: dict[str, Iterable] | None = None) -> Initiative:
    m2m = initiative_links_check(m2m)
    if "depends_on" in m2m:
        initiative_dependencies_check(initiative=initiative, depends_on=m2m["depends_on"])
    data = _shipped(initiative, data)
    if "custom_fields" in data:
        values = custom_values_clean(
            values=data["custom_fields"], product=initiative.product, target=FieldTarget.INITIATIVE
        )
        data = {**data, "custom_fields": values}
    initiative, changed = instance_update(instance=initiative, data=data, m2m=m2m)
    if changed:
        initiative_announce("initiative.updated", initiative, changed=changed)
    if "shipped_at" in changed:
        initiative_announce("initiative.shipped", initiative, shipped_at=initiative.shipped_at.isoformat())
    return initiative


@transaction.atomic
def initiative_delete(*, initiative: Initiative, actor=None) -> None:
    initiative_id = initiative.pk
    instance_delete(instance=initiative, actor=actor)
    initiative.pk = initiative_id
    initiative_announce("initiative.deleted", initiative, actor=getattr(actor, "pk", None))

"""Writes behind the roadmap board and the timeline: moves between and within now/next/later, reschedules.

Locks in the order of the backlog's writes (backlog/services/items.py): the product row first when
the order of a column changes (a move), else only the initiative's own row (a reschedule).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from core.ranks import RANK_GAP, check_anchors, rank_for_move
from core.services import instance_update
from products.models import Product

from ..models import Horizon, Initiative, Theme
from .initiatives import initiative_announce

KEEP = object()  # "leave this field as it is" for optional arguments that may legitimately be None


class StaleInitiativeError(ApplicationError):
    """The initiative changed since the client read the version it sent; nothing was written."""

    def __init__(self, current_version: int):
        super().__init__(
            "Someone else changed this initiative meanwhile; the newer values are shown.",
            extra={"version": current_version},
        )


def _lock_product(product_id: int) -> Product:
    """Serialise writes to one product's roadmap order behind a row lock on the product."""
    return Product.objects.select_for_update().get(pk=product_id)


def _column(product_id: int, horizon: str):
    return Initiative.objects.filter(product_id=product_id, horizon=horizon)


def initiative_ranks_assign_unranked(*, product_id: int, horizon: str) -> None:
    """Give initiatives without a rank (0, the model default) ranks after the column's last, by age.

    Initiatives made by a path that does not rank them show at the bottom of their column
    (see `roadmap.selectors.columns`); before a move they get real ranks, in one statement, so
    anchors compare like they look. Caller holds the product lock.
    """
    table = Initiative._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS t SET rank = m.last_rank + s.n * %s
            FROM (
                SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n
                FROM {table} WHERE product_id = %s AND horizon = %s AND rank <= 0
            ) AS s,
            (SELECT COALESCE(MAX(rank), 0) AS last_rank FROM {table} WHERE product_id = %s AND horizon = %s) AS m
            WHERE t.id = s.id
            """,
            [RANK_GAP, product_id, horizon, product_id, horizon],
        )


@transaction.atomic
def initiative_move(
    *,
    initiative: Initiative,
    actor,
    horizon: str | None = None,
    before: int | None = None,
    after: int | None = None,
    position: str | None = None,
    version: int | None = None,
) -> Initiative:
    """Move an initiative within its column or into another (now/next/later), writing only its row.

    Like `item_move`: anchors (`before`/`after` an initiative, or `position` top/bottom), never a
    rank; moves in one product are serialised by the product row lock; a column whose gap is used
    up is rebalanced under the same lock. With `version` (the one the client read), a move of an
    initiative changed since is refused (StaleInitiativeError).
    """
    horizon = horizon or initiative.horizon
    if horizon not in Horizon.values:
        raise ValidationError({"horizon": "Horizon is now, next or later."})
    check_anchors(pk=initiative.pk, before=before, after=after, position=position, noun="initiative")
    product = _lock_product(initiative.product_id)
    current_version = Initiative.objects.filter(pk=initiative.pk).values_list("version", flat=True).get()
    if version is not None and version != current_version:
        raise StaleInitiativeError(current_version)
    initiative_ranks_assign_unranked(product_id=initiative.product_id, horizon=horizon)
    rank = rank_for_move(
        _column(initiative.product_id, horizon),
        pk=initiative.pk,
        before=before,
        after=after,
        position=position,
        floor=0,
        noun="initiative",
        where="column",
    )
    changed_horizon = horizon != initiative.horizon
    version = current_version + 1 if changed_horizon else current_version
    Initiative.objects.filter(pk=initiative.pk).update(
        horizon=horizon, rank=rank, version=version, updated_at=timezone.now()
    )
    initiative.horizon, initiative.rank, initiative.version = horizon, rank, version
    initiative_announce(
        "initiative.moved", initiative, workspace_id=product.workspace_id, rank=rank, actor=getattr(actor, "pk", None)
    )
    return initiative


@transaction.atomic
def initiative_reschedule(
    *,
    initiative: Initiative,
    actor,
    start_date: date | None,
    end_date: date | None,
    theme: Theme | None | object = KEEP,
    version: int | None = None,
) -> Initiative:
    """Set an initiative's dates (and optionally its theme lane) from the timeline.

    With `version`, a write based on an older copy is refused instead of overwriting a newer one.
    """
    current = Initiative.objects.select_for_update(of=("self",)).select_related("theme").get(pk=initiative.pk)
    if version is not None and current.version != version:
        raise StaleInitiativeError(current.version)
    data = {"start_date": start_date, "end_date": end_date}
    if theme is not KEEP:
        if theme is not None and theme.product_id != current.product_id:
            raise ValidationError({"theme": "The theme belongs to another product."})
        data["theme"] = theme
    current, changed = instance_update(instance=current, data=data)
    if changed:
        workspace_id = Product.objects.filter(pk=current.product_id).values_list("workspace_id", flat=True).get()
        initiative_announce(
            "initiative.updated", current, workspace_id=workspace_id, changed=changed, actor=getattr(actor, "pk", None)
        )
    return current

"""Manual order as integers with gaps, for any list (a product's backlog, a now/next/later column).

New rows go RANK_GAP after the last; a move takes the midpoint between its new neighbours and
writes one row; when a gap is used up the list is rebalanced in one statement. Clients send
anchors (`before`/`after` another row's id, or `position` top/bottom), never a rank. The caller
serialises moves in one list with a row lock on the list's owner and passes the list as a
queryset (`scope`).
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from .exceptions import ApplicationError

RANK_GAP = 1024
POSITIONS = ("top", "bottom")


def rank_between(low: int | None, high: int | None, *, floor: int | None = None) -> int | None:
    """A rank strictly between two neighbours' ranks (None for an open end), or None when no integer
    fits and the list needs a rebalance. With `floor`, ranks stay above it (initiatives keep 0 for
    "not ranked yet")."""
    if low is None and high is None:
        return RANK_GAP
    if high is None:
        return low + RANK_GAP
    if low is None:
        if floor is None or high - RANK_GAP > floor:
            return high - RANK_GAP
        low = floor
    if high - low < 2:
        return None
    return (low + high) // 2


def check_anchors(*, pk: int, before: int | None, after: int | None, position: str | None, noun: str) -> None:
    """Exactly one of the anchors, a known position, and not the moving row itself."""
    if len([v for v in (before, after, position) if v is not None]) != 1:
        raise ApplicationError(f"Say where to move the {noun}: exactly one of before, after or position.")
    if position is not None and position not in POSITIONS:
        raise ValidationError({"position": "Position is top or bottom."})
    if pk in (before, after):
        raise ValidationError({"before" if before is not None else "after": f"An {noun} cannot move next to itself."})


def neighbour_ranks(
    scope: QuerySet, *, pk: int, before: int | None, after: int | None, position: str | None, noun: str, where: str
) -> tuple[int | None, int | None]:
    """The ranks the row `pk` must fit between in `scope` (None for an open end), on (rank, id) order."""
    others = scope.exclude(pk=pk)
    if position == "top":
        return None, others.order_by("rank", "id").values_list("rank", flat=True).first()
    if position == "bottom":
        return others.order_by("-rank", "-id").values_list("rank", flat=True).first(), None
    anchor_id = before if before is not None else after
    anchor = others.filter(pk=anchor_id).values_list("rank", "id").first()
    if anchor is None:
        field = "before" if before is not None else "after"
        raise ValidationError({field: f"Pick another {noun} of the same {where} to move next to."})
    rank, anchor_pk = anchor
    # The redundant bound on rank lets the (list, rank) index start at the anchor: with the OR alone,
    # PostgreSQL scans from the list's end and filters (half the list on average).
    if before is not None:
        earlier = others.filter(Q(rank__lt=rank) | Q(id__lt=anchor_pk), rank__lte=rank)
        return earlier.order_by("-rank", "-id").values_list("rank", flat=True).first(), rank
    later = others.filter(Q(rank__gt=rank) | Q(id__gt=anchor_pk), rank__gte=rank)
    return rank, later.order_by("rank", "id").values_list("rank", flat=True).first()


def ranks_rebalance(scope: QuerySet) -> None:
    """Spread the ranks of `scope` RANK_GAP apart again, in one statement. Caller holds the list's lock.

    A unique (list, rank) constraint must be deferred or absent: rows pass through each other's
    ranks while the statement runs.
    """
    numbered = (
        scope.order_by()
        .annotate(new_rank=Window(RowNumber(), order_by=[F("rank").asc(), F("id").asc()]) * RANK_GAP)
        .values("id", "new_rank")
    )
    sql, params = numbered.query.sql_with_params()
    table = connection.ops.quote_name(scope.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET rank = s.new_rank FROM ({sql}) AS s WHERE t.id = s.id AND t.rank <> s.new_rank",
            params,
        )


def rank_for_move(
    scope: QuerySet,
    *,
    pk: int,
    before: int | None = None,
    after: int | None = None,
    position: str | None = None,
    current: int | None = None,
    floor: int | None = None,
    noun: str = "item",
    where: str = "list",
) -> int:
    """The rank that puts row `pk` at the anchor in `scope`; `current` when it is already there.

    Anchors are checked first. When the neighbours leave no gap the scope is rebalanced (caller
    holds the lock) and the neighbours are read again.
    """
    check_anchors(pk=pk, before=before, after=after, position=position, noun=noun)
    anchors = {"before": before, "after": after, "position": position, "noun": noun, "where": where}
    low, high = neighbour_ranks(scope, pk=pk, **anchors)
    if current is not None and (low is None or low < current) and (high is None or current < high):
        return current
    rank = rank_between(low, high, floor=floor)
    if rank is None:
        ranks_rebalance(scope)
        low, high = neighbour_ranks(scope, pk=pk, **anchors)
        rank = rank_between(low, high, floor=floor)
    return rank

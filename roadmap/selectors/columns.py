"""The now / next / later board a page at a time: each column's first cards in board order, its count,
and the next page after a card (keyset on (rank, id), never OFFSET), in a fixed number of queries.

Board order is rank then id, with unranked initiatives (rank 0, made by a path that does not rank
them) after the ranked ones; a cursor "rank.id" names the last card shown, and the next page is
everything after it in that order. Moves are anchored on neighbouring cards (roadmap.services.board),
so a card moves the same in a column shown in part as in a whole one.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When, prefetch_related_objects

from ..models import Horizon, Initiative
from .board import late_dependencies
from .initiatives import initiative_list, initiative_progress, progress_attach

BOARD_PAGE = 20  # cards of a column shown at once
THROUGH_MAX = 8 * BOARD_PAGE  # at most this many cards when a column is shown from the top through a card
LONG_FIELDS = ("description", "custom_fields")  # not shown on cards and bars: left unread


def _unranked_last():
    return Case(When(rank__lte=0, then=Value(1)), default=Value(0), output_field=IntegerField())


def parse_cursor(value: str | None) -> tuple[int, int] | None:
    """(rank, id) from "rank.id"; None for anything else (a hand-edited URL shows the first page)."""
    if not value:
        return None
    rank, _, pk = value.partition(".")
    try:
        return int(rank), int(pk)
    except ValueError:
        return None


def cursor_of(initiative: Initiative) -> str:
    return f"{initiative.rank}.{initiative.pk}"


def _after(cursor: tuple[int, int]) -> Q:
    """Initiatives after (rank, id) in board order (ranked by rank and id, then the unranked by id)."""
    rank, pk = cursor
    same_bucket_later = Q(rank__gt=rank) | Q(rank=rank, pk__gt=pk)
    if rank > 0:
        return (Q(rank__gt=0) & same_bucket_later) | Q(rank__lte=0)
    return Q(rank__lte=0) & same_bucket_later


def _depends_prefetch() -> Prefetch:
    return Prefetch("depends_on", queryset=Initiative.objects.only("id", "title", "start_date", "end_date"))


def decorate(initiatives: list[Initiative], *, products) -> list[Initiative]:
    """Progress (cached per product, core.figures) and late dependencies of the initiatives shown
    (one query for all); `products` holds the product of each."""
    prefetch_related_objects(initiatives, _depends_prefetch())
    by_product = {p.pk: p for p in products}
    for product_id in {i.product_id for i in initiatives}:
        progress_attach(
            initiatives=[i for i in initiatives if i.product_id == product_id], product=by_product[product_id]
        )
    for initiative in initiatives:
        initiative.progress = initiative_progress(initiative)
        initiative.late_dependencies = late_dependencies(initiative)
        initiative.card_dates = _months(initiative.start_date, initiative.end_date)
        initiative.cursor = cursor_of(initiative)
    return initiatives


def _months(start, end) -> str:
    """ "Mar 2027 – May 2027" (or only the start): a card's dates, said once here for every card."""
    if start is None:
        return ""
    return f"{start:%b %Y} – {end:%b %Y}" if end else f"{start:%b %Y}"


@dataclass
class ColumnPage:
    horizon: str
    label: str
    total: int
    initiatives: list[Initiative] = field(default_factory=list)
    after: str = ""  # the cursor this page starts after ("" for the first page)
    next_cursor: str = ""  # the cursor of the next page, "" when this page reaches the end


def column_counts(*, product) -> dict[str, int]:
    """How many initiatives each column holds (one query)."""
    counts = Initiative.objects.filter(product=product).aggregate(
        **{value: Count("pk", filter=Q(horizon=value)) for value in Horizon.values}
    )
    return {value: counts[value] or 0 for value in Horizon.values}


def _key(rank: int, pk: int) -> tuple[int, int, int]:
    return (1 if rank <= 0 else 0, rank, pk)


def _column_rows(*, product, horizon: str, after: tuple[int, int] | None, limit: int) -> list[Initiative]:
    queryset = initiative_list(product=product).filter(horizon=horizon).defer(*LONG_FIELDS)
    if after is not None:
        queryset = queryset.filter(_after(after))
    return list(queryset.order_by(_unranked_last(), "rank", "id")[: limit + 1])


def _through(rows: list[Initiative], through: tuple[int, int], limit: int) -> int:
    """How many of `rows` (in board order) to show to reach the card `through`: at least `limit`."""
    last = _key(*through)
    shown = sum(1 for i in rows if _key(i.rank, i.pk) <= last)
    return min(max(shown, limit), len(rows))


def column_page(
    *,
    product,
    horizon: str,
    after: str | None = None,
    through: str | None = None,
    total: int | None = None,
    limit: int = BOARD_PAGE,
) -> ColumnPage:
    """One page of one column: up to `limit` cards after the cursor `after` (the first page without),
    undecorated (see `decorate`). With `through` instead, the cards from the top down to that card
    (the pages "Show more" loaded, so that a reload or a live update keeps them), at most THROUGH_MAX.
    Two queries (one when `total` is given)."""
    cursor = parse_cursor(after)
    last = parse_cursor(through) if cursor is None else None
    rows = _column_rows(product=product, horizon=horizon, after=cursor, limit=THROUGH_MAX if last else limit)
    shown = _through(rows[:THROUGH_MAX], last, limit) if last else min(len(rows), limit)
    more, rows = len(rows) > shown, rows[:shown]
    if total is None:
        total = column_counts(product=product)[horizon]
    return ColumnPage(
        horizon=horizon,
        label=Horizon(horizon).label,
        total=total,
        initiatives=rows,
        after=after if cursor else "",
        next_cursor=cursor_of(rows[-1]) if more and rows else "",
    )


def board_columns(
    *,
    product,
    after: dict[str, str] | None = None,
    through: dict[str, str] | None = None,
    limit: int = BOARD_PAGE,
) -> list[ColumnPage]:
    """The three columns, each its first page (or the page after `after[horizon]`, or down to the
    card `through[horizon]`), with every card decorated: five queries whatever the number of initiatives."""
    after, through = after or {}, through or {}
    counts = column_counts(product=product)
    columns = [
        column_page(
            product=product,
            horizon=value,
            after=after.get(value),
            through=through.get(value),
            total=counts[value],
            limit=limit,
        )
        for value in Horizon.values
    ]
    decorate([i for column in columns for i in column.initiatives], products=[product])
    return columns

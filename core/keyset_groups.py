"""Keyset pages of a grouped list, read one group at a time so that a page costs what its rows cost.

`keyset_page_by` orders by the group's keys (a CASE over a choice, a joined sprint's start date…)
and then the sort: no index holds that order, so every page reads and sorts the whole list. But
the groups are a small known set whose order the caller knows (the choices, the product's sprints
by start date…), and each group alone is a plain range of an index (product, group column, sort,
id). So a page walks the groups in order and reads each with `WHERE <group> AND <beyond the
cursor> ORDER BY <sort>, id LIMIT <what is left>`, stopping when the page is full; backwards from
the cursor (or the last group) for `?before=` and `?page=last`.

The page, its neighbours (`previous_row`, `next_row`), its cursors and its count are exactly
keyset_page_by's, so the two are interchangeable: a cursor whose group is not among the groups
(a sprint renamed or moved since the link was made), or a walk that meets too many empty groups
(a narrow filter), is answered by keyset_page_by itself.
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q, QuerySet

from .keyset import KeyedQuery, KeysetPage, SortKey, _after, _before, _fetch, keys_beyond, keyset_page_by

# Reads one page may make walking groups (each an index probe) before it reads the page in one
# scan of the list instead: a filter that leaves most groups empty costs what it costs today.
GROUP_READS_MAX = 24


@dataclass(frozen=True)
class KeyGroup:
    """One group: the values of the group's keys its rows carry, and the condition that finds them.

    `lead`: columns to order by before the sort, constant within the group, for a condition the
    planner does not take as fixing the index's leading column (`x IS NULL`, unlike `x = 3`)."""

    values: tuple
    condition: Q
    lead: tuple[str, ...] = ()


class _TooManyReads(Exception):
    pass


def _nullable(qs: QuerySet, key: SortKey) -> bool:
    if not isinstance(key.expression, str):
        return True
    try:
        return qs.model._meta.get_field(key.expression).null
    except FieldDoesNotExist:
        return True


def keyset_page_grouped(
    qs: QuerySet,
    *,
    groups: list[KeyGroup] | None,
    group_keys: list[SortKey],
    sort: list[SortKey],
    ordering: str,
    size,
    params,
) -> KeysetPage:
    """One page of `qs` in the order of `group_keys`, `sort`, id, read group by group (see the module).

    `groups` must be every group a row of `qs` can be in, in the order of `group_keys` (NULLs last),
    each with the key values its rows carry (None: no known groups, keyset_page_by reads the page);
    `sort` one key (a field: an index serves it) or more.
    """
    if groups is None:
        return keyset_page_by(qs, keys=[*group_keys, *sort], ordering=ordering, size=size, params=params)
    keys = [*group_keys, *sort]
    width = len(group_keys)
    keyed = KeyedQuery.of(qs, keys, ordered_by=slice(width, None))  # each group is read in the sort's order
    annotated, forward, backward, key = keyed.qs, keyed.forward, keyed.backward, keyed.key
    sort_aliases = keyed.aliases[width:]
    single = len(sort) == 1
    nullable = any(_nullable(qs, k) for k in sort)
    whole_forward = [Q()]
    whole_backward = (
        [Q(**{f"{sort_aliases[0]}__isnull": True}), Q(**{f"{sort_aliases[0]}__isnull": False})]
        if single and nullable
        else [Q()]
    )
    position = {group.values: n for n, group in enumerate(groups)}

    def parts_beyond(values: tuple, pk: int, *, after: bool) -> list[Q]:
        """The rest of a group beyond (values, pk), as parts that each range-scan the group's index."""
        values = values[width:]
        if not single:
            return [keys_beyond(sort_aliases, sort, values, pk, after=after)]
        parts = (_after if after else _before)(sort_aliases[0], sort[0].desc, values[0], pk)
        return parts[:1] if after and not nullable else parts

    reads = [0]

    def walk(start: int, first: list[Q], step: int, limit: int) -> list[tuple[int, object]]:
        """Up to `limit` (group index, row) from group `start` on (forward or backward by `step`)."""
        found: list[tuple[int, object]] = []
        index, parts = start, first
        while 0 <= index < len(groups) and len(found) < limit:
            reads[0] += 1
            if reads[0] > GROUP_READS_MAX:
                raise _TooManyReads
            lead = groups[index].lead
            order = [*lead, *forward] if step > 0 else [*(F(c).desc() for c in lead), *backward]
            rows = _fetch(annotated.filter(groups[index].condition), parts, order, limit - len(found))
            found += [(index, row) for row in rows]
            index += step
            parts = whole_forward if step > 0 else whole_backward
        return found

    after, before = keyed.cursor(params)
    cursor = after or before
    start = None if cursor is None else position.get(tuple(cursor[0][:width]))
    if cursor is not None and start is None:  # a group that is no longer where the cursor saw it
        return keyset_page_by(qs, keys=keys, ordering=ordering, size=size, params=params)
    previous_row = next_row = None
    try:
        if before is not None or (after is None and params.get("page") == "last"):
            if before is not None:
                found = walk(start, parts_beyond(*before, after=False), -1, size + 1)
            else:
                found = walk(len(groups) - 1, whole_backward, -1, size + 1)
            previous_row = found[size][1] if len(found) > size else None
            found = list(reversed(found[:size]))
            if before is not None and found:
                index, last = found[-1]
                beyond = walk(index, parts_beyond(*key(last), after=True), 1, 1)
                next_row = beyond[0][1] if beyond else None
        else:
            first = parts_beyond(*after, after=True) if after is not None else whole_forward
            found = walk(start or 0, first, 1, size + 1)
            next_row = found[size][1] if len(found) > size else None
            found = found[:size]
            if after is not None and found:
                index, head = found[0]
                beyond = walk(index, parts_beyond(*key(head), after=False), -1, 1)
                previous_row = beyond[0][1] if beyond else None
    except _TooManyReads:
        return keyset_page_by(qs, keys=keys, ordering=ordering, size=size, params=params)
    return keyed.page(qs, [row for _, row in found], previous_row, next_row, ordering)

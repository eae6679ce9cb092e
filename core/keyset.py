"""Keyset pages for server-rendered lists: constant time on any page, first, last or in between.

A page is ordered by (field, id), the field ascending or descending with nulls last, and is found
by a cursor (the (value, id) of a row next to it) instead of an OFFSET, so page 1,000 costs what
page 1 costs when an index matches (product, field, id). Links: `?after=<cursor>` (the next page),
`?before=<cursor>` (the previous one), `?page=last`, `?from=<id>` (the page that starts at a row:
the way to jump to an item). The count shown is bounded (`COUNT_CAP`): "more than 1,000" costs
what 1,000 costs, whatever the list's length.
"""

import base64
import binascii
from dataclasses import dataclass, field

import orjson
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

COUNT_CAP = 1000
MAX_ID = 2**63 - 1


def encode_cursor(value, pk: int) -> str:
    value = None if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    return base64.urlsafe_b64encode(orjson.dumps([value, pk])).decode().rstrip("=")


def decode_cursor(raw: str, model_field) -> tuple | None:
    """(value, id) of a cursor, or None when it is not one (a stale or edited link shows the first page)."""
    try:
        value, pk = orjson.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
        pk = int(pk)
        if not 0 <= pk <= MAX_ID:
            return None
        if value is not None:
            value = model_field.to_python(value)
            model_field.run_validators(value)
    except (ValueError, TypeError, binascii.Error, ValidationError, orjson.JSONDecodeError):
        return None
    return value, pk


def _after(name: str, desc: bool, value, pk: int) -> list[Q]:
    """Conditions of the rows after (value, pk) in (name nulls last, id) order, as separate parts that
    each range-scan an index: the non-null rest of the current value's run, then the nulls."""
    if value is None:
        return [Q(**{f"{name}__isnull": True, "id__gt": pk})]
    bound, strict = ("lte", "lt") if desc else ("gte", "gt")
    return [
        Q(**{f"{name}__{bound}": value}) & (Q(**{f"{name}__{strict}": value}) | Q(id__gt=pk)),
        Q(**{f"{name}__isnull": True}),
    ]


def _before(name: str, desc: bool, value, pk: int) -> list[Q]:
    """Conditions of the rows before (value, pk), nearest first: the nulls before pk, then the values."""
    if value is None:
        return [Q(**{f"{name}__isnull": True, "id__lt": pk}), Q(**{f"{name}__isnull": False})]
    bound, strict = ("gte", "gt") if desc else ("lte", "lt")
    return [Q(**{f"{name}__{bound}": value}) & (Q(**{f"{name}__{strict}": value}) | Q(id__lt=pk))]


@dataclass
class KeysetPage:
    object_list: list
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    count_capped: bool
    ordering: str
    query_extra: dict = field(default_factory=dict)
    previous_row: object = None  # keyset_page_by: the row just before the page, and just after it
    next_row: object = None

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def count_label(self) -> str:
        return f"more than {COUNT_CAP:,}" if self.count_capped else f"{self.count:,}"


def _fetch(qs: QuerySet, parts: list[Q], order: list, limit: int) -> list:
    """Up to `limit` rows matching the parts in turn (each one indexed range scan)."""
    rows: list = []
    for part in parts:
        if len(rows) >= limit:
            break
        rows += list(qs.filter(part).order_by(*order)[: limit - len(rows)])
    return rows


def keyset_page(qs: QuerySet, *, ordering: str, size: int, params) -> KeysetPage:
    """One page of `qs` in `ordering` ("rank", "-rice_score"…) from the request's parameters."""
    desc, name = ordering.startswith("-"), ordering.lstrip("-")
    model_field = qs.model._meta.get_field(name)
    forward = [F(name).desc(nulls_last=True) if desc else F(name).asc(nulls_last=True), F("id").asc()]
    backward = [F(name).asc(nulls_first=True) if desc else F(name).desc(nulls_first=True), F("id").desc()]
    nullable = model_field.null

    def key(obj) -> tuple:
        return getattr(obj, name), obj.pk

    after = before = None
    if params.get("after"):
        after = decode_cursor(params["after"], model_field)
    elif params.get("before"):
        before = decode_cursor(params["before"], model_field)
    elif str(params.get("from", "")).isdigit() and len(params["from"]) < 19:
        row = qs.filter(pk=int(params["from"])).values_list(name, "pk").first()
        if row is not None:  # start at the row itself: just after (its value, its id - 1)
            after = (row[0], row[1] - 1)
    if before is not None or (after is None and params.get("page") == "last"):
        if before is not None:
            parts = _before(name, desc, *before)
        else:
            parts = [Q(**{f"{name}__isnull": True}), Q(**{f"{name}__isnull": False})] if nullable else [Q()]
        rows = _fetch(qs, parts, backward, size + 1)
        has_previous = len(rows) > size
        rows = list(reversed(rows[:size]))
        has_next = before is not None and bool(rows)
    else:
        parts = [Q()]
        if after is not None:
            parts = _after(name, desc, *after)
            if not nullable:
                parts = parts[:1]
        rows = _fetch(qs, parts, forward, size + 1)
        has_next = len(rows) > size
        rows = rows[:size]
        has_previous = (
            after is not None and bool(rows) and bool(_fetch(qs, _before(name, desc, *key(rows[0])), backward, 1))
        )
    capped = qs.order_by()[: COUNT_CAP + 1].count()
    return KeysetPage(
        object_list=rows,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=encode_cursor(*key(rows[-1])) if rows and has_next else None,
        previous_cursor=encode_cursor(*key(rows[0])) if rows and has_previous else None,
        count=min(capped, COUNT_CAP),
        count_capped=capped > COUNT_CAP,
        ordering=ordering,
    )


# ---- pages in an order of several keys (a grouped view, a sort by a computed value) ---------------


@dataclass(frozen=True)
class SortKey:
    """One key of a page's order: a field name or an expression, ascending or descending, NULLs last."""

    expression: object
    desc: bool = False


def _key_value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def encode_keys_cursor(values: tuple, pk: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([[_key_value(v) for v in values], pk])).decode().rstrip("=")


def decode_keys_cursor(raw: str, output_fields: list) -> tuple | None:
    """(values, id) of a cursor of several keys, or None when it is not one (the first page then)."""
    try:
        values, pk = orjson.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
        pk = int(pk)
        if not 0 <= pk <= MAX_ID or not isinstance(values, list) or len(values) != len(output_fields):
            return None
        typed = []
        for value, output in zip(values, output_fields, strict=True):
            if value is not None:
                if isinstance(value, list | dict):
                    return None
                value = output.to_python(value)
            typed.append(value)
    except (ValueError, TypeError, binascii.Error, ValidationError, orjson.JSONDecodeError):
        return None
    return tuple(typed), pk


def keys_beyond(aliases: list[str], keys: list[SortKey], values: tuple, pk: int, *, after: bool) -> Q:
    """The rows strictly after (or before) (values, pk) in the keys' order, NULLs last on each key:
    key 1 beyond its value, or equal to it and the rest beyond (built from the last key inward)."""
    condition = Q(id__gt=pk) if after else Q(id__lt=pk)
    for alias, key, value in reversed(list(zip(aliases, keys, values, strict=True))):
        equal = Q(**{f"{alias}__isnull": True}) if value is None else Q(**{alias: value})
        if after:
            strict = None if value is None else Q(**{f"{alias}__{'lt' if key.desc else 'gt'}": value})
            if strict is not None:
                strict |= Q(**{f"{alias}__isnull": True})
        else:
            strict = (
                Q(**{f"{alias}__isnull": False})
                if value is None
                else Q(**{f"{alias}__{'gt' if key.desc else 'lt'}": value})
            )
        condition = (equal & condition) if strict is None else (strict | (equal & condition))
    return condition


@dataclass(frozen=True)
class KeyedQuery:
    """A queryset whose rows carry the values of `keys` as `keyset_0`, `keyset_1`…, with the orders
    that walk it forward and backward (then by id) and what a cursor or a row tells of it."""

    qs: QuerySet
    keys: list[SortKey]
    aliases: list[str]
    outputs: list
    forward: list
    backward: list

    @classmethod
    def of(cls, qs: QuerySet, keys: list[SortKey], *, ordered_by: slice = slice(None)) -> "KeyedQuery":
        """`ordered_by`: which keys the orders name (a grouped walk orders each group by its sort only)."""
        aliases = [f"keyset_{n}" for n in range(len(keys))]
        qs = qs.annotate(
            **{
                alias: F(key.expression) if isinstance(key.expression, str) else key.expression
                for alias, key in zip(aliases, keys, strict=True)
            }
        )
        pairs = list(zip(aliases, keys, strict=True))[ordered_by]
        forward = [F(a).desc(nulls_last=True) if k.desc else F(a).asc(nulls_last=True) for a, k in pairs]
        backward = [F(a).asc(nulls_first=True) if k.desc else F(a).desc(nulls_first=True) for a, k in pairs]
        outputs = [qs.query.annotations[alias].output_field for alias in aliases]
        return cls(qs, keys, aliases, outputs, [*forward, F("id").asc()], [*backward, F("id").desc()])

    def key(self, obj) -> tuple:
        return tuple(getattr(obj, alias) for alias in self.aliases), obj.pk

    def cursor(self, params) -> tuple[tuple | None, tuple | None]:
        """(after, before) from the request: its cursor, or ?from=<id> (start at that row)."""
        if params.get("after"):
            return decode_keys_cursor(params["after"], self.outputs), None
        if params.get("before"):
            return None, decode_keys_cursor(params["before"], self.outputs)
        if str(params.get("from", "")).isdigit() and len(params["from"]) < 19:
            row = self.qs.filter(pk=int(params["from"])).values_list(*self.aliases, "pk").first()
            if row is not None:  # start at the row itself: just after (its values, its id - 1)
                return (tuple(row[:-1]), row[-1] - 1), None
        return None, None

    def page(self, counted: QuerySet, rows: list, previous_row, next_row, ordering: str) -> KeysetPage:
        """The page of `rows` between its neighbours; its count from `counted` (the list, unannotated)."""
        capped = counted.order_by()[: COUNT_CAP + 1].count()
        return KeysetPage(
            object_list=rows,
            has_next=next_row is not None,
            has_previous=previous_row is not None,
            next_cursor=encode_keys_cursor(*self.key(rows[-1])) if rows and next_row is not None else None,
            previous_cursor=encode_keys_cursor(*self.key(rows[0])) if rows and previous_row is not None else None,
            count=min(capped, COUNT_CAP),
            count_capped=capped > COUNT_CAP,
            ordering=ordering,
            previous_row=previous_row,
            next_row=next_row,
        )


def keyset_page_by(qs: QuerySet, *, keys: list[SortKey], ordering: str, size: int, params) -> KeysetPage:
    """One page of `qs` ordered by `keys` then id, from the request's parameters (as keyset_page).

    What a grouped view needs: the group's keys first, then the view's sort, so that a group's rows
    follow each other across pages. Each row carries its key values as `keyset_0`, `keyset_1`…, and
    the page its neighbours (`previous_row`, `next_row`: the rows just before and after it, or None)
    so that a page can say that a group began on the previous page or goes on on the next.
    """
    keyed = KeyedQuery.of(qs, keys)
    aliases, forward, backward, key = keyed.aliases, keyed.forward, keyed.backward, keyed.key

    def first(condition: Q, order: list):
        return next(iter(keyed.qs.filter(condition).order_by(*order)[:1]), None)

    after, before = keyed.cursor(params)
    previous_row = next_row = None
    if before is not None or (after is None and params.get("page") == "last"):
        condition = keys_beyond(aliases, keys, *before, after=False) if before is not None else Q()
        rows = list(keyed.qs.filter(condition).order_by(*backward)[: size + 1])
        previous_row = rows[size] if len(rows) > size else None
        rows = list(reversed(rows[:size]))
        if before is not None and rows:
            next_row = first(keys_beyond(aliases, keys, *key(rows[-1]), after=True), forward)
    else:
        condition = keys_beyond(aliases, keys, *after, after=True) if after is not None else Q()
        rows = list(keyed.qs.filter(condition).order_by(*forward)[: size + 1])
        next_row = rows[size] if len(rows) > size else None
        rows = rows[:size]
        if after is not None and rows:
            previous_row = first(keys_beyond(aliases, keys, *key(rows[0]), after=False), backward)
    return keyed.page(qs, rows, previous_row, next_row, ordering)

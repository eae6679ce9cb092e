"""Pagination of the API: page numbers by default; a keyset cursor for big, busy lists."""

import base64
import binascii

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q
from rest_framework import exceptions
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from .keyset import decode_keys_cursor, encode_keys_cursor, keys_beyond

MAX_PAGE_SIZE = 500
MAX_ID = 2**63 - 1


def page_size_from(request, *, param: str, default: int) -> int:
    """`?page_size=`: absent gives the default; anything but a whole number from 1 to 500 is a 400."""
    raw = request.query_params.get(param)
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError as error:
        raise exceptions.ValidationError({param: [f"A whole number from 1 to {MAX_PAGE_SIZE}."]}) from error
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise exceptions.ValidationError({param: [f"A whole number from 1 to {MAX_PAGE_SIZE}."]})
    return size


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return page_size_from(request, param=self.page_size_query_param, default=self.page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
                parameter["description"] = f"Rows per page, 1 to {MAX_PAGE_SIZE}."
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class KeysetPagination(BasePagination):
    """Cursor pagination on (ordering field, id): stable while rows are added, one indexed query a page.

    The view declares `keyset_orderings` (e.g. ("rank", "-rice_score", "created_at")) and a
    `keyset_default`; `?ordering=` picks one. Null values sort last in either direction.
    """

    page_size = 100
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        return page_size_from(request, param=self.page_size_query_param, default=self.page_size)

    def get_ordering(self, request, view) -> tuple[str, bool]:
        value = request.query_params.get("ordering") or view.keyset_default
        if value not in view.keyset_orderings:
            raise exceptions.ValidationError({"ordering": [f"One of: {', '.join(view.keyset_orderings)}."]})
        return value.lstrip("-"), value.startswith("-")

    def decode_cursor(self, request, field):
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            value, last_id = orjson.loads(base64.urlsafe_b64decode(raw.encode()))
            last_id = int(last_id)
            if not 0 <= last_id <= MAX_ID:  # ids are 64-bit; a bigger number would overflow the query
                raise ValueError(last_id)
            if value is not None:
                value = field.to_python(value)
                field.run_validators(value)  # within the column's range, so the query cannot overflow
        except (ValueError, TypeError, binascii.Error, DjangoValidationError) as error:
            raise exceptions.ValidationError({"cursor": ["This cursor is not valid."]}) from error
        return value, last_id

    def encode_cursor(self, value, last_id: int) -> str:
        value = None if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
        return base64.urlsafe_b64encode(orjson.dumps([value, last_id])).decode()

    def paginate_queryset(self, queryset, request, view=None, fetch=list):
        """The page's rows; `fetch` turns the sliced queryset into rows (e.g. plain dicts from raw SQL)."""
        self.request = request
        size = self.get_page_size(request)
        name, desc = self.get_ordering(request, view)
        field = queryset.model._meta.get_field(name)
        expression = F(name).desc(nulls_last=True) if desc else F(name).asc(nulls_last=True)
        queryset = queryset.order_by(expression, "id")
        cursor = self.decode_cursor(request, field)
        if cursor is not None:
            value, last_id = cursor
            if value is None:
                after = Q(**{f"{name}__isnull": True, "id__gt": last_id})
            else:
                # The redundant bound (rank >= v) lets PostgreSQL range-scan the (scope, field) index.
                bound = Q(**{f"{name}__{'lte' if desc else 'gte'}": value})
                after = bound & (Q(**{f"{name}__{'lt' if desc else 'gt'}": value}) | Q(id__gt=last_id))
                if field.null:
                    after |= Q(**{f"{name}__isnull": True})
            queryset = queryset.filter(after)
        return self.page_of(fetch(queryset[: size + 1]), size, name)

    def paginate_keyset(self, request, view, fetch):
        """The page's rows for a view that runs its own keyset query (the items list's hot path).

        `fetch(field, desc, cursor, limit)` returns up to `limit` rows in (field, id) order, nulls
        last, after `cursor` ((value, id) or None). Input is checked as in paginate_queryset.
        """
        self.request = request
        size = self.get_page_size(request)
        name, desc = self.get_ordering(request, view)
        cursor = self.decode_cursor(request, view.model._meta.get_field(name))
        return self.page_of(fetch(name, desc, cursor, size + 1), size, name)

    def paginate_by_keys(self, queryset, request, *, keys: list, fetch=list):
        """The page's rows in the order of several keys (core.keyset.SortKey) then id, NULLs last on
        each: a sort by a computed value (a custom field). The cursor carries every key's value."""
        self.request = request
        size = self.get_page_size(request)
        aliases = [f"keyset_{n}" for n in range(len(keys))]
        queryset = queryset.annotate(
            **{
                a: F(k.expression) if isinstance(k.expression, str) else k.expression
                for a, k in zip(aliases, keys, strict=True)
            }
        )
        outputs = [queryset.query.annotations[a].output_field for a in aliases]
        order = [
            F(a).desc(nulls_last=True) if k.desc else F(a).asc(nulls_last=True)
            for a, k in zip(aliases, keys, strict=True)
        ]
        queryset = queryset.order_by(*order, "id")
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            cursor = decode_keys_cursor(raw, outputs)
            if cursor is None:
                raise exceptions.ValidationError({"cursor": ["This cursor is not valid."]})
            queryset = queryset.filter(keys_beyond(aliases, keys, *cursor, after=True))
        rows = fetch(queryset[: size + 1])
        self.next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            last_id = last["id"] if isinstance(last, dict) else last.pk
            values = queryset.filter(pk=last_id).values_list(*aliases).first()
            self.next_cursor = encode_keys_cursor(tuple(values), last_id)
        return rows

    def page_of(self, rows, size: int, name: str):
        """The first `size` of `size + 1` fetched rows; the cursor of the next page if there is one."""
        self.next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            get = last.get if isinstance(last, dict) else lambda k: getattr(last, k)
            self.next_cursor = self.encode_cursor(get(name), get("id"))
        return rows

    def get_next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri", "description": "The next page, if any."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The cursor of the page (from `next`).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": "Rows per page, 1 to 500.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": "ordering",
                "required": False,
                "in": "query",
                "description": getattr(view, "keyset_ordering_help", "Order of the list."),
                "schema": self.ordering_schema(view),
            },
        ]

    @staticmethod
    def ordering_schema(view) -> dict:
        """The listed orders, or (a view with `keyset_custom_ordering`, a regex) those and more."""
        custom = getattr(view, "keyset_custom_ordering", None)
        if not custom:
            return {"type": "string", "enum": list(view.keyset_orderings)}
        listed = "|".join(view.keyset_orderings)  # names of fields, with a "-": nothing to escape
        return {"type": "string", "pattern": f"^({listed}|{custom})$"}

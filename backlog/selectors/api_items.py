"""Reads of backlog items for the API and its exports: hand-written statements over the items and their
labels and criteria, answering the same dicts as ItemSerializer without its per-row cost."""

import functools
import json
from collections.abc import Iterator

import orjson
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import DecimalField, OuterRef, Prefetch

from customfields.selectors import export_value
from products.models import Product
from workspaces.models import Membership

from ..label_models import label_names_sorted
from ..models import AcceptanceCriterion, BacklogItem, Label
from ..serializers import CRITERION_FIELDS, ITEM_VALUE_FIELDS, ItemSerializer

# ---- the API's hot list ----------------------------------------------------------------------------

ITEM_PAGE_ORDERINGS = ("rank", "rice_score", "wsjf_score", "created_at", "updated_at")


@functools.cache
def _item_select_sql() -> str:
    """SELECT … FROM items i JOIN products p, of the columns item_rows reads: the common head of the
    hand-written item statements. Identifiers come from the models' metadata, never from input."""
    meta = BacklogItem._meta
    columns = ", ".join(_value_column(meta.get_field(name)) for name in ITEM_VALUE_FIELDS)
    return (
        f'SELECT {columns}, p."key", {_labels_sql()}, i."has_criteria" '
        f'FROM {meta.db_table} i JOIN {Product._meta.db_table} p ON p."id" = i."product_id" '
    )


def _value_column(field) -> str:
    """A column as the API shows it. A decimal comes as PostgreSQL's text of it, which is what
    str(Decimal) of it gives (the scale of the column, "0.50") and what the API renders (DRF's
    COERCE_DECIMAL_TO_STRING): no Decimal made per value to be turned back into that text."""
    column = f'i."{field.column}"'
    return f"{column}::text" if isinstance(field, DecimalField) else column


def _in_users_workspaces() -> str:
    """The condition that the item `i` (of product `p`) is in one of the workspaces of user %s."""
    return f'p."workspace_id" IN (SELECT m."workspace_id" FROM {Membership._meta.db_table} m WHERE m."user_id" = %s)'


@functools.cache
def _item_page_sql(*, field: str, desc: bool, cursor: str | None, with_product: bool) -> str:
    """The statement of one shape of items page, written once per shape and kept.

    Identifiers come from the models' metadata and a fixed list of orderings, never from input;
    every value (user, product, cursor, limit) is a bound parameter. It is what the ORM path of
    the list (the viewset's filter_queryset + KeysetPagination) runs, without building and
    compiling a queryset on each request: (ordering field, id) order, nulls last either way, the
    redundant bound on the field so that PostgreSQL range-scans the (product, field) index.
    """
    if field not in ITEM_PAGE_ORDERINGS:
        raise ValueError(field)
    meta = BacklogItem._meta
    column = f'i."{meta.get_field(field).column}"'
    where = [_in_users_workspaces()]
    if with_product:
        where.append('i."product_id" = %s')
    if cursor == "null":
        where.append(f'({column} IS NULL AND i."id" > %s)')
    elif cursor == "value":
        bound, strict = ("<=", "<") if desc else (">=", ">")
        after = f'({column} {bound} %s AND ({column} {strict} %s OR i."id" > %s))'
        if meta.get_field(field).null:
            after = f"({after} OR {column} IS NULL)"
        where.append(after)
    # Within one product ranks are unique (item_unique_rank_per_product): id need not break ties.
    direction = "DESC" if desc else "ASC"
    inner_tie, outer_tie = ("", "") if field == "rank" and with_product else (', i."id" ASC', ', page."id" ASC')
    values = ", ".join(f'{_value_column(meta.get_field(name))} AS "{name}"' for name in ITEM_VALUE_FIELDS)
    shown = ", ".join(f'page."{name}"' for name in ITEM_VALUE_FIELDS)
    labels, join = _page_labels_sql()
    # The page's rows first, then their labels in one join (not a subquery run once a row, which costs
    # a page of 500 about a third of its time), in the page's order again.
    return (
        f'WITH page AS MATERIALIZED (SELECT {values}, p."key" AS "key", i."has_criteria" AS "has_criteria", '
        f'{column} AS "order_value" FROM {meta.db_table} i JOIN {Product._meta.db_table} p ON p."id" = i."product_id" '
        f"WHERE {' AND '.join(where)} ORDER BY {column} {direction} NULLS LAST{inner_tie} LIMIT %s) "
        f'SELECT {shown}, page."key", {labels}, page."has_criteria" FROM page {join}'
        f'ORDER BY page."order_value" {direction} NULLS LAST{outer_tie}'
    )


@functools.cache
def _page_labels_sql() -> tuple[str, str]:
    """The labels' names of each row of `page` (a column, and the join it reads them from)."""
    field = BacklogItem._meta.get_field("labels")
    through = field.remote_field.through._meta.db_table
    item, label = field.m2m_column_name(), field.m2m_reverse_name()
    join = (
        f'LEFT JOIN (SELECT t."{item}" AS "item_id", array_agg(l."name") AS "names" '
        f'FROM {through} t JOIN {Label._meta.db_table} l ON l."id" = t."{label}" '
        f'WHERE t."{item}" IN (SELECT "id" FROM page) GROUP BY 1) labelled ON labelled."item_id" = page."id" '
    )
    return 'labelled."names"', join


@functools.cache
def _item_by_id_sql() -> str:
    return f'{_item_select_sql()}WHERE i."id" = %s AND {_in_users_workspaces()}'


def item_row_for_user(*, user, item_id: int) -> dict | None:
    """One item of the user's workspaces as the API shows it (what ItemSerializer gives), or None when
    there is no such item there: one statement written once (one more if the item has criteria),
    no queryset built or compiled. PostgreSQL only, like the list's plain pages."""
    with connection.cursor() as db:
        db.execute(_item_by_id_sql(), [item_id, user.pk])
        fetched = db.fetchall()
    return item_rows(fetched)[0] if fetched else None


@functools.cache
def _item_for_write_sql(*, lock: bool) -> tuple[str, list, list]:
    """The statement of item_for_write and the (field, column) pairs it reads, written once."""
    item, product = BacklogItem._meta, Product._meta
    columns = [f'i."{f.column}"' for f in item.concrete_fields] + [f'p."{f.column}"' for f in product.concrete_fields]
    sql = (
        f'SELECT {", ".join(columns)}, m."role", m."id" '
        f'FROM {item.db_table} i JOIN {product.db_table} p ON p."id" = i."product_id" '
        f'JOIN {Membership._meta.db_table} m ON m."workspace_id" = p."workspace_id" AND m."user_id" = %s '
        f'WHERE i."id" = %s{" FOR UPDATE OF i" if lock else ""}'
    )
    return sql, list(item.concrete_fields), list(product.concrete_fields)


def _from_row(model, fields: list, values) -> object:
    """A model instance from raw column values, through each field's converters (as the ORM's compiler)."""
    converted = []
    for field, value in zip(fields, values, strict=True):
        col = field.get_col(model._meta.db_table)
        for convert in col.get_db_converters(connection):
            value = convert(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def item_for_write(*, user, item_id: int, lock: bool) -> BacklogItem | None:
    """An item of the user's workspaces about to be written, with its product and the user's membership
    of its workspace (`access_role`, `access_membership_id`, see ResourceViewSet.access_to), its row
    locked (FOR UPDATE) if `lock`; None when there is no such item there. What the viewset's queryset
    reads for a write, in one statement written once rather than a queryset compiled on each request."""
    sql, item_fields, product_fields = _item_for_write_sql(lock=lock)
    with connection.cursor() as db:
        db.execute(sql, [user.pk, item_id])
        row = db.fetchone()
    if row is None:
        return None
    split = len(item_fields)
    item = _from_row(BacklogItem, item_fields, row[:split])
    item.product = _from_row(Product, product_fields, row[split : split + len(product_fields)])
    item.access_role, item.access_membership_id = row[-2], row[-1]
    return item


@functools.cache
def _labels_sql() -> str:
    """The names of the item `i`'s labels as an array: one index lookup per row, no query more."""
    field = BacklogItem._meta.get_field("labels")
    through = field.remote_field.through._meta.db_table
    item, label = field.m2m_column_name(), field.m2m_reverse_name()
    return (
        f'ARRAY(SELECT l."name" FROM {Label._meta.db_table} l JOIN {through} t ON t."{label}" = l."id" '
        f'WHERE t."{item}" = i."id")'
    )


@functools.cache
def _criteria_sql() -> str:
    meta = AcceptanceCriterion._meta
    columns = ", ".join(f'c."{meta.get_field(name).column}"' for name in CRITERION_FIELDS)
    return (
        f'SELECT c."item_id", {columns} FROM {meta.db_table} c WHERE c."item_id" = ANY(%s) ORDER BY c."order", c."id"'
    )


def criteria_of_items(*, item_ids: list[int]) -> dict[int, list[dict]]:
    """The acceptance criteria of some items, in their order, as the API's plain dicts, by item id.

    One query (none without ids), however many items and criteria: fetched as rows and shaped
    here, which costs less than having PostgreSQL build JSON for each item. PostgreSQL only (= ANY).
    """
    found: dict[int, list[dict]] = {}
    if not item_ids:
        return found
    with connection.cursor() as db:
        db.execute(_criteria_sql(), [item_ids])
        for item_id, *values in db.fetchall():
            found.setdefault(item_id, []).append(dict(zip(CRITERION_FIELDS, values, strict=True)))
    return found


def item_page_rows_for_user(
    *, user, product_id: int | None, field: str, desc: bool, cursor: tuple | None, limit: int
) -> list[dict]:
    """Up to `limit` items of the user's workspaces (of one product, if given) after `cursor`
    ((value, id) of the last row seen), as plain dicts of the API's item fields (see item_rows):
    one query, and one more if any of the items has criteria, whatever the page size.
    """
    kind = None if cursor is None else ("null" if cursor[0] is None else "value")
    sql = _item_page_sql(field=field, desc=desc, cursor=kind, with_product=product_id is not None)
    params: list = [user.pk]
    if product_id is not None:
        params.append(product_id)
    if kind == "null":
        params.append(cursor[1])
    elif kind == "value":
        params += [cursor[0], cursor[0], cursor[1]]
    params.append(limit)
    with connection.cursor() as db:
        db.execute(sql, params)
        fetched = db.fetchall()
    return item_rows(fetched)


def label_names_array() -> ArraySubquery:
    """An annotation: the names of the item's labels as an array (PostgreSQL), in no order."""
    return ArraySubquery(Label.objects.filter(items=OuterRef("pk")).order_by().values("name"))


EXPORT_COLUMNS = ["key", "title", "kind", "status", "story_points", "rice_score", "wsjf_score", "moscow", "rank"]


def item_export_rows(queryset, *, custom_keys: list[str]) -> tuple[list[str], Iterator[list]]:
    """The API's CSV export: its header and its rows (streamed in chunks): EXPORT_COLUMNS, the labels
    by name in one cell (as the page's export writes them), then one column per custom field key."""
    queryset = queryset.annotate(label_names=label_names_array())
    values = queryset.values_list("product__key", "number", *EXPORT_COLUMNS[1:], "label_names", "custom_fields")
    rows = (
        [
            f"{key}-{number}",
            *rest,
            ", ".join(label_names_sorted(names)),
            *(export_value(fields.get(k)) for k in custom_keys),
        ]
        for key, number, *rest, names, fields in values.iterator(chunk_size=2000)
    )
    return [*EXPORT_COLUMNS, "labels", *custom_keys], rows


def item_value_rows(queryset) -> list[dict]:
    """The API's item dicts of a (sliced) queryset, straight from the cursor: what ItemSerializer gives,
    without its per-row cost. PostgreSQL only (the labels' array)."""
    queryset = queryset.annotate(label_names=label_names_array())
    queryset = queryset.values_list(*ITEM_VALUE_FIELDS, "product__key", "label_names", "has_criteria")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return item_rows(cursor.fetchall())


def item_value_rows_portable(queryset) -> list[dict]:
    """The same rows through ItemSerializer, for databases without PostgreSQL's JSON functions (SQLite)."""
    criteria = Prefetch("acceptance_criteria", queryset=AcceptanceCriterion.objects.order_by("order", "id"))
    queryset = queryset.select_related("product").prefetch_related(criteria, "labels")
    return list(ItemSerializer(queryset, many=True).data)


def _json_loads(text: str):
    """orjson's parse (several times the standard library's speed), or the standard library's for what
    orjson refuses and jsonb holds (an integer beyond 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def item_rows(fetched: list[tuple]) -> list[dict]:
    """API item dicts from rows of (*ITEM_VALUE_FIELDS, product key, label names, has_criteria): the
    key made here, the criteria of flagged items fetched in one more query."""
    names = (*ITEM_VALUE_FIELDS, "key", "labels")  # zip stops before has_criteria, the last column
    rows = [dict(zip(names, row)) for row in fetched]  # noqa: B905
    at = ITEM_VALUE_FIELDS.index("id")
    criteria = criteria_of_items(item_ids=[row[at] for row in fetched if row[-1]])
    none: list = []
    for row in rows:
        row["key"] = f"{row['key']}-{row['number']}"
        if isinstance(row.get("custom_fields"), str):  # jsonb arrives as text through a raw cursor
            row["custom_fields"] = _json_loads(row["custom_fields"])
        row["acceptance_criteria"] = criteria.get(row["id"], none)
        row["labels"] = label_names_sorted(row["labels"] or none)
    return rows

"""The groups of a grouped backlog view, in order, for core.keyset_groups: each group is one range of
an index (product, group column, rank, id), so a page reads its rows group by group instead of
sorting the whole product by a CASE or a joined column (backlog/selectors/view_order.py group_keys).

The groups are the values the product's items really hold, found by a skip scan of that index (one
index probe per distinct value, however many items there are), not the values they should hold: a
sprint of another product or an owner who left the workspace still has its group, as with
group_keys' ORDER BY. Custom-field groups are not walked (their values live in JSON, which no
static index orders): their pages keep keyset_page_by.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL

from core.keyset_groups import KeyGroup
from roadmap.models import Initiative

from ..models import BacklogItem, GroupBy, ItemStatus, MoSCoW, Sprint

CHOICE_GROUPS = {GroupBy.STATUS: ("status", ItemStatus.values), GroupBy.MOSCOW: ("moscow", MoSCoW.values)}
# A group by a related row: the item's column, the related model and the field that orders it
# (then its id), as group_keys orders them.
RELATED_GROUPS = {
    GroupBy.SPRINT: ("sprint_id", Sprint, "start_date"),
    GroupBy.INITIATIVE: ("initiative_id", Initiative, "title"),
    GroupBy.ASSIGNEE: ("owner_id", None, "username"),
}


def _distinct_sql(column: str) -> str:
    """The distinct non-null values of a column among a product's items: a recursive skip scan, each
    step the next value after the last one (one descent of the (product_id, column, …) index)."""
    table = connection.ops.quote_name(BacklogItem._meta.db_table)
    col = connection.ops.quote_name(column)
    return (
        f"WITH RECURSIVE found(value) AS ("
        f"(SELECT {col} FROM {table} WHERE product_id = %s AND {col} IS NOT NULL ORDER BY {col} LIMIT 1)"
        f" UNION ALL SELECT (SELECT {col} FROM {table} WHERE product_id = %s AND {col} > found.value"
        f" ORDER BY {col} LIMIT 1) FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )


def view_groups(group_by: str, product_id: int) -> list[KeyGroup] | None:
    """The groups of `group_by` among the product's items, in group_keys' order, with the key values
    group_keys gives their rows; None when the view is not walked group by group (custom fields, or
    a database without the skip scan). One query."""
    if connection.vendor != "postgresql":
        return None
    if group_by in CHOICE_GROUPS:
        column, values = CHOICE_GROUPS[group_by]
        with connection.cursor() as cursor:
            cursor.execute(_distinct_sql(column), [product_id, product_id])
            present = {row[0] for row in cursor.fetchall()}
        groups = [KeyGroup((n,), Q(**{column: value})) for n, value in enumerate(values) if value in present]
        others = sorted(present.difference(values))  # anything else: one group, last (as the CASE's default)
        if others:
            groups.append(KeyGroup((len(values),), Q(**{f"{column}__in": others})))
        return groups
    if group_by not in RELATED_GROUPS:
        return None
    column, model, name = RELATED_GROUPS[group_by]
    model = model or get_user_model()
    ids = RawSQL(_distinct_sql(column), [product_id, product_id])
    related = model.objects.filter(pk__in=ids).order_by(F(name).asc(nulls_last=True), "pk").values_list(name, "pk")
    groups = [KeyGroup((value, pk), Q(**{column: pk})) for value, pk in related]
    groups.append(KeyGroup((None, None), Q(**{f"{column}__isnull": True}), lead=(column,)))
    return groups

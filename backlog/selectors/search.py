"""Full-text search of backlog items: titles, stories, descriptions and acceptance criteria.

On PostgreSQL, a ranked search over the generated `search_vector` column and the criteria's
expression index (both GIN, see migration 0006), every word matched as a prefix ("refu" finds
"refunds"). Elsewhere (SQLite), a plain case-insensitive LIKE on the same texts, in rank order.
"""

import functools
import re

from django.db import connection
from django.db.models import Q

from products.models import Product
from workspaces.models import Membership

from ..models import AcceptanceCriterion, BacklogItem

SEARCH_TEXT_MAX = 200
SEARCH_WORDS_MAX = 8
WORD = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a query, lower-cased, at most SEARCH_WORDS_MAX of them (punctuation and tsquery
    operators dropped, so no input can change the query's shape)."""
    return [w.lower() for w in WORD.findall((text or "")[:SEARCH_TEXT_MAX])][:SEARCH_WORDS_MAX]


def prefix_tsquery(text: str) -> str | None:
    """to_tsquery text for `text`: every word as a prefix, all of them required ("pay ref" → "pay:* & ref:*")."""
    words = search_words(text)
    return " & ".join(f"{word}:*" for word in words) or None


@functools.cache
def _item_search_sql(*, with_product: bool) -> str:
    item, product, criterion = BacklogItem._meta, Product._meta, AcceptanceCriterion._meta
    members = Membership._meta.db_table
    scope = f'p."workspace_id" IN (SELECT w."workspace_id" FROM {members} w WHERE w."user_id" = %(user)s)'
    if with_product:
        scope += ' AND i."product_id" = %(product)s'
    # Two GIN index scans joined by UNION (an OR across the two tables would scan every item), then
    # the user's scope and the ranking of the matches. A match in the criteria only ranks lowest.
    return f"""
        SELECT i."id", i."product_id", p."key", i."number", i."title", i."status", i."kind",
               ts_rank(i."search_vector", to_tsquery('english'::regconfig, %(q)s)) AS score
        FROM (
            SELECT m."id" FROM {item.db_table} m WHERE m."search_vector" @@ to_tsquery('english'::regconfig, %(q)s)
            UNION
            SELECT c."item_id" FROM {criterion.db_table} c
            WHERE to_tsvector('english'::regconfig, c."text") @@ to_tsquery('english'::regconfig, %(q)s)
        ) matched
        JOIN {item.db_table} i ON i."id" = matched."id"
        JOIN {product.db_table} p ON p."id" = i."product_id"
        WHERE {scope}
        ORDER BY score DESC, i."id" DESC
        LIMIT %(limit)s
    """


FIELDS = ("id", "product_id", "product_key", "number", "title", "status", "kind", "score")


def item_search(*, user, text: str, product_id: int | None = None, limit: int = 20) -> list[dict]:
    """Items of the user's workspaces (of one product, if given) matching every word of `text`, best first."""
    if connection.vendor != "postgresql":
        return item_search_plain(user=user, text=text, product_id=product_id, limit=limit)
    query = prefix_tsquery(text)
    if query is None:
        return []
    params = {"q": query, "user": user.pk, "product": product_id, "limit": limit}
    with connection.cursor() as db:
        db.execute(_item_search_sql(with_product=product_id is not None), params)
        rows = [dict(zip(FIELDS, row, strict=True)) for row in db.fetchall()]
    for row in rows:
        row["key"] = f"{row['product_key']}-{row['number']}"
    return rows


def item_search_plain(*, user, text: str, product_id: int | None = None, limit: int = 20) -> list[dict]:
    """The fallback without PostgreSQL: every word somewhere in the title, story, description or criteria."""
    words = search_words(text)
    if not words:
        return []
    qs = BacklogItem.objects.filter(product__workspace__in=Membership.objects.filter(user=user).values("workspace_id"))
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    for word in words:
        criteria = AcceptanceCriterion.objects.filter(text__icontains=word).values("item_id")
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(i_want__icontains=word)
            | Q(so_that__icontains=word)
            | Q(as_a__icontains=word)
            | Q(pk__in=criteria)
        )
    rows = qs.order_by("product_id", "rank").values(
        "id", "product_id", "product__key", "number", "title", "status", "kind"
    )
    found = []
    for row in rows[:limit]:
        row["product_key"] = row.pop("product__key")
        row["key"] = f"{row['product_key']}-{row['number']}"
        row["score"] = None
        found.append(row)
    return found

"""Full-text search of backlog items: titles, stories, descriptions and acceptance criteria.

On PostgreSQL, a ranked search over the generated `search_vector` columns of items (title A, story
B, description C) and of acceptance criteria (both GIN-indexed, migrations 0011 and 0012), every word
matched as a prefix ("refu" finds "refunds"), inside the user's workspaces. Elsewhere (SQLite), a plain
case-insensitive LIKE on the same texts, in rank order.

The ranking is bounded: when more than CANDIDATES (200) items match, the 200 newest items matching
in their title, the 200 newest matching anywhere and the 200 newest matching in their criteria are
ranked (ts_rank, title first), not every match; a search stays well under 100 ms at 100,000 items
whatever the word (`python -m bench search`). Items found only through a criterion rank lowest.
"""

import functools
import re

from django.db import connection, transaction
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


CANDIDATES = 200  # per branch: how many matches are ranked when a word matches thousands of items
RECENT_WINDOW = 5_000  # the newest rows read for a common word before the index is used instead


def title_tsquery(text: str) -> str | None:
    """The same query restricted to titles (weight A): "pay ref" → "pay:*A & ref:*A"."""
    words = search_words(text)
    return " & ".join(f"{word}:*A" for word in words) or None


def _newest_matches(
    name: str,
    *,
    table: str,
    id_column: str,
    product_of: str,
    tsquery: str,
    walk_if: str = "TRUE",
    run_if: str = "TRUE",
) -> str:
    """Two CTEs giving the ids (`id_column`) of the CANDIDATES newest rows of `table` whose
    search_vector matches `tsquery`, within the user's products (the CTE `scope`; `product_of` is a
    row's product, a column or a scalar subquery over the alias `t`).

    PostgreSQL cannot estimate a prefix query (it assumes 2 % of rows match, whatever the word), so
    it cannot choose between walking the newest rows (cheap for a common word, a scan of the whole
    table for a rare one) and the GIN index (cheap for a rare word, every match read and sorted for
    a common one). The statement chooses by itself: it walks at most RECENT_WINDOW newest rows, and
    only when they hold fewer than CANDIDATES matches in scope does the GIN index fetch the newest
    matches (a one-time filter: otherwise the index is not read at all). The walk tests the stored
    vector of each row it passes and nothing else; the scope is checked on the matches only.
    `walk_if` may skip the walk (a condition known before it: then the index is read); `run_if` may
    skip the branch altogether.
    """
    return f"""
        {name}_recent AS MATERIALIZED (
            SELECT t."{id_column}" AS "id" FROM {table} t
            WHERE t."id" IN (
                SELECT r."id" FROM (
                    SELECT w."id", w."search_vector" FROM {table} w ORDER BY w."id" DESC LIMIT {RECENT_WINDOW}
                ) r
                WHERE r."search_vector" @@ {tsquery} LIMIT {CANDIDATES}
            ) AND {product_of} IN (SELECT "id" FROM scope) AND {walk_if} AND {run_if}
        ),
        {name}_indexed AS MATERIALIZED (
            SELECT t."{id_column}" AS "id" FROM {table} t
            WHERE (SELECT count(*) FROM {name}_recent) < {CANDIDATES} AND {run_if}
              AND t."search_vector" @@ {tsquery} AND {product_of} IN (SELECT "id" FROM scope)
            ORDER BY t."id" + 0 DESC LIMIT {CANDIDATES}
        )"""


@functools.cache
def _item_search_sql(*, with_product: bool) -> str:
    """The search statement, written once per shape from the models' metadata (no input in it).

    Ranking every match is what made a common word slow (ts_rank over every matching vector, after
    joining every item of the user's workspaces): here three bounded branches, each inside the
    user's products, give at most CANDIDATES items each, the newest first: title matches, matches
    anywhere in the item, matches in acceptance criteria; only their union is ranked.
    """
    item, product, criterion = BacklogItem._meta, Product._meta, AcceptanceCriterion._meta
    members = Membership._meta.db_table
    scope = (
        f'SELECT p."id" FROM {product.db_table} p WHERE p."workspace_id" IN '
        f'(SELECT w."workspace_id" FROM {members} w WHERE w."user_id" = %(user)s)'
    )
    if with_product:
        scope += ' AND p."id" = %(product)s'
    query = "to_tsquery('english'::regconfig, %(q)s)"
    title = "to_tsquery('english'::regconfig, %(title)s)"
    own = 't."product_id"'
    # Per matching criterion, its item's product (a subplan per row, so never a join over all items).
    of_item = f'(SELECT s."product_id" FROM {item.db_table} s WHERE s."id" = t."item_id")'
    branches = [
        _newest_matches("anywhere", table=item.db_table, id_column="id", product_of=own, tsquery=query),
        # Title matches are some of the matches: when the walk found few matches it would find fewer.
        _newest_matches(
            "titled",
            table=item.db_table,
            id_column="id",
            product_of=own,
            tsquery=title,
            walk_if=f"(SELECT count(*) FROM anywhere_recent) >= {CANDIDATES}",
        ),
        # An item found through its criteria only ranks below every item matching itself (its own
        # vector does not match): with a page of those already, the criteria cannot change the answer.
        _newest_matches(
            "criteria",
            table=criterion.db_table,
            id_column="item_id",
            product_of=of_item,
            tsquery=query,
            run_if="((SELECT count(*) FROM anywhere_recent) + (SELECT count(*) FROM anywhere_indexed)) < %(limit)s",
        ),
    ]
    union = " UNION ".join(
        f'SELECT "id" FROM {name}_{part}'
        for name in ("titled", "anywhere", "criteria")
        for part in ("recent", "indexed")
    )
    return f"""
        WITH scope AS MATERIALIZED ({scope}),
        {",".join(branches)},
        matched AS ({union})
        SELECT i."id", i."product_id", p."key", i."number", i."title", i."status", i."kind",
               ts_rank(i."search_vector", {query}) AS score
        FROM matched
        JOIN {item.db_table} i ON i."id" = matched."id"
        JOIN {product.db_table} p ON p."id" = i."product_id"
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
    params = {"q": query, "title": title_tsquery(text), "user": user.pk, "product": product_id, "limit": limit}
    # Each branch reads at most a few hundred matches: starting parallel workers costs more than that.
    with transaction.atomic(), connection.cursor() as db:
        db.execute("SET LOCAL max_parallel_workers_per_gather = 0")
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

"""Search over 10,000 and 100,000 backlog items on PostgreSQL, next to a bare ILIKE scan of the same texts.

The data, grown from 10,000 to 100,000 items (BENCH_SEARCH_SIZES), measured at each size: one
workspace with 4 products and items whose titles, stories and descriptions are drawn from a product
team's vocabulary (a rare word in one title in a thousand), plus 6 acceptance criteria per 10 items;
loaded into a database of its own that is dropped at the end.

Figures printed (median of REPEAT runs, server time):
- `backlog.selectors.search.item_search` (ranked full text, prefix matching, GIN indexes) for a common
  word, a rare word, a two-word prefix and a word only in criteria;
- the same through `GET /api/v1/search/` (the whole request: auth, all kinds of hits, JSON);
- the baseline: one bare `ILIKE '%word%'` SELECT (every word) over titles, descriptions and criteria
  (LIMIT 20, no ranking), the scan a LIKE search costs;
- custom fields: counting a product's items with one select value through the JSONB containment the
  GIN index serves (its plan printed: a Bitmap Index Scan on backlog_item_custom_fields), next to the
  same test written as `->>` (no index) and a filter on a plain column; the backlog page filtered,
  sorted and grouped by it, next to the page in manual order and filtered by status.

Run: `DATABASE_URL=postgres://… python -m bench search` (or `make bench`).
"""

import os
import random
import statistics
import time

from django.conf import settings
from django.db import connection

ITEMS, CRITERIA, PRODUCTS = 100_000, 60_000, 4
SIZES = [int(n) for n in os.environ.get("BENCH_SEARCH_SIZES", "10000,100000").split(",")]  # grown in turn
REPEAT = 7
NOUNS = [
    "checkout",
    "invoice",
    "refund",
    "payout",
    "wallet",
    "card",
    "subscription",
    "plan",
    "coupon",
    "receipt",
    "dashboard",
    "export",
    "report",
    "webhook",
    "login",
    "password",
    "session",
    "account",
    "team",
    "role",
    "permission",
    "notification",
    "email",
    "reminder",
    "search",
    "filter",
    "onboarding",
    "tour",
    "settings",
    "billing",
    "tax",
    "currency",
    "payment",
    "dispute",
    "chargeback",
    "ledger",
    "statement",
    "api",
    "token",
]
VERBS = [
    "add",
    "show",
    "fix",
    "speed",
    "up",
    "retry",
    "cancel",
    "split",
    "merge",
    "import",
    "export",
    "send",
    "schedule",
    "validate",
    "hide",
    "rename",
]
TIERS = ["Free"] * 12 + ["Pro"] * 6 + ["Enterprise"] * 2  # an enterprise ask is one item in ten
REGIONS = ["EU", "US", "APAC", "LATAM"]
CUSTOM_SQL = """
SELECT count(*) FROM backlog_backlogitem i WHERE i.product_id = %(product)s AND {condition}
"""
CUSTOM_INDEXED = "i.custom_fields @> %(wanted)s::jsonb"
CUSTOM_SCAN = "i.custom_fields ->> 'tier' = %(tier)s"  # the same test, which the GIN index cannot serve
PLAIN_COLUMN = "i.status = %(status)s"  # a filter on a plain column (index on product, status)
RARE = "escheatment"  # in one title in a thousand
QUERIES = {
    "common word": "payment",
    "rare word": RARE,
    "two-word prefix": "refu card",
    "criteria only": "idempotency",
}
BASELINE_WORD = """(i.title ILIKE %s OR i.description ILIKE %s
   OR i.id IN (SELECT c.item_id FROM backlog_acceptancecriterion c WHERE c.text ILIKE %s))"""
BASELINE_SQL = """
SELECT i.id FROM backlog_backlogitem i JOIN products_product p ON p.id = i.product_id
WHERE p.workspace_id = %s AND {words}
LIMIT 20
"""


def _workspace():
    from tests import factories as f

    workspace = f.WorkspaceFactory(name="Bench")
    user = f.UserFactory(username="bench")
    f.MembershipFactory(workspace=workspace, user=user, role="admin")
    products = [f.ProductFactory(workspace=workspace, key=f"P{n}", name=f"Product {n}") for n in range(PRODUCTS)]
    return workspace, user, products


def _load(rng: random.Random, products, start: int, stop: int) -> None:
    """Items start…stop-1 of the data set (and their share of the criteria)."""
    from backlog.models import AcceptanceCriterion, BacklogItem

    items = []
    for n in range(start, stop):
        noun, other = rng.choice(NOUNS), rng.choice(NOUNS)
        items.append(
            BacklogItem(
                product=products[n % PRODUCTS],
                number=n // PRODUCTS + 1,
                rank=(n // PRODUCTS + 1) * 1024,
                title=f"{rng.choice(VERBS).capitalize()} {noun} {other}" + (f" ({RARE})" if n % 1000 == 7 else ""),
                description=f"Customers asked to {rng.choice(VERBS)} the {noun} when the {other} changes.",
                i_want=f"to {rng.choice(VERBS)} my {noun}",
                status=rng.choice(["new", "ready", "in_progress", "done"]),
                custom_fields={"tier": rng.choice(TIERS), "regions": rng.sample(REGIONS, rng.randint(1, 2))},
            )
        )
    BacklogItem.objects.bulk_create(items, batch_size=5000)
    ids = [item.pk for item in items]
    criteria = [
        AcceptanceCriterion(
            item_id=rng.choice(ids),
            order=n,
            text=f"Given a {rng.choice(NOUNS)}, when it is saved twice, then "
            + ("idempotency keys keep one copy" if n % 500 == 0 else f"the {rng.choice(NOUNS)} is shown once"),
        )
        for n in range(start * CRITERIA // ITEMS, stop * CRITERIA // ITEMS)
    ]
    AcceptanceCriterion.objects.bulk_create(criteria, batch_size=5000)
    # What autovacuum does to a live table after such a load: statistics, and the GIN indexes'
    # pending lists merged (a search would otherwise scan every pending entry).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE backlog_backlogitem")
        cursor.execute("VACUUM ANALYZE backlog_acceptancecriterion")


def _timed(function) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("bench_search needs PostgreSQL: set DATABASE_URL=postgres://…")
        return
    from django.test import Client

    old_name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"bench_search_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        workspace, user, products = _workspace()
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(user)
        rng, loaded = random.Random(16), 0
        for size in SIZES:
            started = time.perf_counter()
            _load(rng, products, loaded, size)
            loaded = size
            took = time.perf_counter() - started
            print(f"-- {size:,} items, {size * CRITERIA // ITEMS:,} criteria (loaded in {took:.1f} s)")
            for label, text in QUERIES.items():
                _one_query(client, workspace, user, label, text)
        _custom_fields(client, workspace)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _one_query(client, workspace, user, label: str, text: str) -> None:
    from backlog.selectors.search import item_search, search_words

    search, hits = _timed(lambda: item_search(user=user, text=text, limit=20))
    api, response = _timed(lambda: client.get("/api/v1/search/", {"q": text, "limit": 20}))
    words = search_words(text)

    def baseline():
        sql = BASELINE_SQL.format(words=" AND ".join([BASELINE_WORD] * len(words)))
        with connection.cursor() as cursor:
            cursor.execute(sql, [workspace.pk, *[f"%{w}%" for w in words for _ in range(3)]])
            return cursor.fetchall()

    scan, rows = _timed(baseline)
    print(
        f"{label:16} {text!r:14} full text {search * 1000:6.1f} ms ({len(hits)} hits) · "
        f"API {api * 1000:6.1f} ms (HTTP {response.status_code}) · "
        f"bare ILIKE scan {scan * 1000:6.1f} ms ({len(rows)} rows, unranked) · "
        f"ratio {search / scan:.2f}×"
    )


def _custom_fields(client, workspace) -> None:
    """Filtering by a custom field value: the backlog page and the containment query (GIN), next to
    the same test written so that no index serves it (a scan of the product's items)."""
    import json

    from customfields.models import FieldDefinition
    from products.models import Product

    FieldDefinition.objects.create(
        workspace=workspace, name="Tier", key="tier", field_type="single_select", options=["Free", "Pro", "Enterprise"]
    )
    product = Product.objects.filter(workspace=workspace).first()
    params = {
        "product": product.pk,
        "wanted": json.dumps({"tier": "Enterprise"}),
        "tier": "Enterprise",
        "status": "ready",
    }
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + CUSTOM_SQL.format(condition=CUSTOM_INDEXED), params)
        scans = [line.strip(" ->") for (line,) in cursor.fetchall() if "Index Scan" in line or "Seq Scan" in line]
    print("custom field filter plan: " + " · ".join(scan.split("  (")[0] for scan in scans))

    def count(condition):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(CUSTOM_SQL.format(condition=condition), params)
                return cursor.fetchone()[0]

        return run

    indexed, found = _timed(count(CUSTOM_INDEXED))
    scan, same = _timed(count(CUSTOM_SCAN))
    plain, plain_found = _timed(count(PLAIN_COLUMN))
    url = f"/products/{product.pk}/items/?cf_tier=Enterprise"
    page, response = _timed(lambda: client.get(url))
    pages = {}
    for query in ("", "status=ready", "ordering=cf_tier", "group=cf_tier", "group=status"):
        address = f"/products/{product.pk}/items/?{query or 'clear=1'}"
        client.get(address)  # the session's remembered view, once
        pages[query or "manual order"] = _timed(lambda address=address: client.get(address))[0]
    print(
        f"custom field filter, {ITEMS // PRODUCTS:,} items of a product: containment (GIN) {indexed * 1000:6.1f} ms "
        f"({found} items) · unindexed ->> scan {scan * 1000:6.1f} ms ({same} items) · ratio {indexed / scan:.2f}× · "
        f"plain column status=ready {plain * 1000:6.1f} ms ({plain_found} items) · "
        f"backlog page ?cf_tier=Enterprise {page * 1000:6.1f} ms (HTTP {response.status_code})"
    )
    print("backlog pages (first page of 100 rows): " + " · ".join(f"{q} {t * 1000:6.1f} ms" for q, t in pages.items()))

"""Every page's server time at 150, 10,000 and 100,000 items, then the API load mix under 16 clients.

1. Pages: three products (150, 10k and 100k items) in one throw-away database; each page is asked
   in-process through Django's test client (the whole request: middleware, session, view, template),
   median of REPEATS requests after a warm-up, the sizes interleaved request by request, next to
   /healthz and a bare SQL `ORDER BY … LIMIT` of the same rows, measured in the same run.
   Goal: ≤ 150 ms at 100k, 100k ÷ 10k ≤ 1.5.
2. Load (bench/loadmix.py): gunicorn on the same database, 16 concurrent clients for LOAD_SECONDS,
   the API mix 60 % lists, 20 % details, 10 % PATCH, 10 % moves, next to /healthz under the same load.
   Goal: ≥ 0.5× the trivial view's throughput, p95 < 60 ms.

Run: `DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://…/10 python -m bench pages`.
BENCH_SIZES=150,10000 for a quicker run; BENCH_LOAD=0 skips the load run, BENCH_PAGES=0 the pages.
BENCH_KEEP_DB=1 keeps the seeded database (bench_pages_keep_<sizes>) and reuses it on the next run with
the same sizes, for iterating on one page; by default the database is fresh and dropped at the end.
Tasks go to queues of their own (CELERY_QUEUE_PREFIX, set by bench/__main__.py), only those are purged.
"""

import os
import statistics
import time

REPEATS = int(os.environ.get("BENCH_REPEATS", "15"))
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "150,10000,100000").split(",")]
KEYS = {size: f"B{n}" for n, size in enumerate(SIZES)}


def _pages(product, workspace) -> dict[str, tuple[str, str | None]]:
    """Each page: (URL, the bare SQL of its rows or None)."""
    from backlog.models import BacklogItem, Sprint
    from roadmap.models import Initiative, Release

    p = product.pk
    sprint = Sprint.objects.filter(product=product, status="planned").first()
    item = BacklogItem.objects.filter(product=product, kind="story", parent__isnull=False).order_by("-rank").first()
    release = Release.objects.filter(product=product).order_by("id").first()
    initiative = Initiative.objects.filter(product=product).order_by("id").first()
    w = workspace.pk
    columns = "id, number, title, kind, status, story_points, rice_score, wsjf_score, moscow, sprint_id"
    base = f"SELECT {columns} FROM backlog_backlogitem WHERE product_id = {p}"
    return {
        "backlog (first page)": (f"/products/{p}/items/", f"{base} ORDER BY rank LIMIT 100"),
        "backlog (last page)": (f"/products/{p}/items/?page=last", f"{base} ORDER BY rank DESC LIMIT 100"),
        "backlog (sorted by RICE)": (
            f"/products/{p}/items/?ordering=-rice_score",
            f"{base} ORDER BY rice_score DESC NULLS LAST, id LIMIT 100",
        ),
        "sprint planning": (
            f"/products/{p}/sprints/{sprint.pk}/plan/",
            f"{base} AND sprint_id IS NULL AND status IN ('new', 'ready') ORDER BY rank LIMIT 100",
        ),
        "ranked view (RICE)": (
            f"/products/{p}/priorities/",
            f"{base} AND rice_score IS NOT NULL ORDER BY rice_score DESC LIMIT 50",
        ),
        "MoSCoW": (
            f"/products/{p}/priorities/moscow/",
            f"{base} AND status NOT IN ('done', 'accepted', 'rejected') ORDER BY rank LIMIT 100",
        ),
        "value-vs-effort matrix": (
            f"/products/{p}/priorities/matrix/",
            f"{base} AND rice_score IS NOT NULL ORDER BY rice_score DESC LIMIT 100",
        ),
        "roadmap board": (f"/products/{p}/roadmap/", None),
        "roadmap timeline": (f"/products/{p}/roadmap/timeline/", None),
        "product dashboard": (f"/products/{p}/dashboard/", None),
        "item detail": (f"/products/{p}/items/{item.pk}/", f"{base} AND id = {item.pk}"),
        "item edit form": (f"/products/{p}/items/{item.pk}/edit/", f"{base} AND id = {item.pk}"),
        "new-item form": (f"/products/{p}/items/new/", None),
        "search": (f"/search/?q=checkout&product={p}", f"{base} AND title ILIKE '%%checkout%%' ORDER BY rank LIMIT 50"),
        "API items page of 100": (f"/api/v1/items/?product={p}&page_size=100", f"{base} ORDER BY rank LIMIT 100"),
        "products of the workspace": (f"/workspaces/{w}/products/", None),
        "releases": (f"/products/{p}/releases/", None),
        "release page": (
            f"/products/{p}/releases/{release.pk}/",
            f"{base} AND release_id = {release.pk} ORDER BY rank LIMIT 100",
        ),
        "initiative page": (
            f"/products/{p}/initiatives/{initiative.pk}/",
            f"{base} AND initiative_id = {initiative.pk} ORDER BY rank LIMIT 100",
        ),
        "release plan": (f"/products/{p}/release-plan/", None),
        "release forecast": (f"/products/{p}/forecast/?scope=release&id={release.pk}", None),
        "feedback panel": (f"/products/{p}/feedback-panel/", None),
    }


def _time_request(client, url: str) -> tuple[float, int, int, int]:
    """(seconds, status, bytes, queries) of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    return elapsed, response.status_code, len(response.content), len(queries)


def _median_of(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
        if samples[0] > 2.0 and len(samples) >= 3:  # a page that takes seconds: three samples are enough
            break
    return statistics.median(samples)


def _sql_time(statement: str) -> float:
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement)
            cursor.fetchall()

    run()
    return _median_of(run, REPEATS)


def _measure(client, pages_by_size: dict[int, dict]) -> dict[int, dict[str, dict]]:
    """Each page at every size, the sizes interleaved request by request (10k, 100k, 10k, 100k…), so
    that a change of the machine's pace while the bench runs weighs on every size alike and the
    100k ÷ 10k ratio compares like with like."""
    import gc

    found: dict[int, dict[str, dict]] = {size: {} for size in pages_by_size}
    names = list(next(iter(pages_by_size.values())))
    for name in names:
        firsts = {size: _time_request(client, pages[name][0]) for size, pages in pages_by_size.items()}
        samples: dict[int, list[float]] = {size: [] for size in pages_by_size}
        gc.collect()
        slow = any(first[0] >= 2.0 for first in firsts.values())
        for _ in range(2 if slow else REPEATS):
            for size, pages in pages_by_size.items():
                samples[size].append(_time_request(client, pages[name][0])[0])
        for size, pages in pages_by_size.items():
            sql, first = pages[name][1], firsts[size]
            found[size][name] = {
                "ms": statistics.median(samples[size]) * 1000,
                "status": first[1],
                "kb": first[2] / 1024,
                "queries": first[3],
                "sql_ms": _sql_time(sql) * 1000 if sql else None,
            }
    return found


def _print_table(results: dict[int, dict], healthz: dict[int, float]) -> None:
    big, mid = SIZES[-1], SIZES[-2] if len(SIZES) > 1 else SIZES[-1]
    head = " | ".join(f"{s:>9,}" for s in SIZES)
    print(f"\n| page | {head} | {big // 1000}k ÷ {mid // 1000}k | bare SQL at {big:,} | queries | KB at {big:,} |")
    print("|---|" + "---|" * len(SIZES) + "---|---|---|---|")
    print(f"| /healthz (baseline) | {' | '.join(f'{healthz[s]:7.1f} ms' for s in SIZES)} | | | | |")
    for name in results[SIZES[0]]:
        cells = []
        for s in SIZES:
            row = results[s][name]
            cell = f"{row['ms']:7.1f} ms" if row["status"] == 200 else f"HTTP {row['status']}"
            cells.append(cell)
        top, low = results[big][name], results[mid][name]
        ratio = f"{top['ms'] / low['ms']:.2f}×" if low["ms"] else ""
        sql = f"{top['sql_ms']:.2f} ms" if top["sql_ms"] is not None else "—"
        queries = "/".join(str(results[s][name]["queries"]) for s in SIZES)
        print(f"| {name} | {' | '.join(cells)} | {ratio} | {sql} | {queries} | {top['kb']:,.0f} |")
    slow = [n for n in results[big] if results[big][n]["status"] == 200 and results[big][n]["ms"] > 150]
    grew = [
        n
        for n in results[big]
        if results[big][n]["status"] == 200
        and results[mid][n]["ms"]
        and results[big][n]["ms"] / results[mid][n]["ms"] > 1.5
    ]
    print(f"\npages over 150 ms at {big:,}: {', '.join(slow) or 'none'}")
    print(f"pages growing more than 1.5× from {mid:,} to {big:,}: {', '.join(grew) or 'none'}")


def main() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (set DATABASE_URL=postgres://…)")
        return
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    # Not setup_test_environment(): its instrumented template rendering copies every context and
    # would be measured as server time.
    from bench import loadmix, seed

    keep = os.environ.get("BENCH_KEEP_DB", "0") not in ("", "0")
    old_name = connection.settings_dict["NAME"]
    test_name = f"bench_pages_keep_{'_'.join(map(str, SIZES))}" if keep else f"bench_pages_{os.getpid()}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = test_name
    settings.DATABASES["default"]["TEST"] = connection.settings_dict["TEST"]
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    try:
        sizes = {KEYS[s]: s for s in SIZES}
        kept = keep and seed.seeded_sizes(sizes)
        if keep and not kept:  # kept but not all there (an interrupted seed): start it again
            connection.creation.destroy_test_db(old_name, verbosity=0)
            db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        user, workspace, products = kept or seed.seed_sizes(sizes)
        client = Client()
        client.force_login(user)
        results, healthz = {}, {}
        if os.environ.get("BENCH_PAGES", "1") != "0":
            pages_by_size = {}
            for size in SIZES:
                pages_by_size[size] = {"/healthz": ("/healthz", None), **_pages(products[KEYS[size]], workspace)}
                pages_by_size[size]["workspace dashboard"] = (f"/workspaces/{workspace.pk}/dashboard/", None)
            results = _measure(client, pages_by_size)
            healthz = {size: results[size].pop("/healthz")["ms"] for size in SIZES}
            print(f"  measured {', '.join(f'{s:,}' for s in SIZES)} (interleaved)", flush=True)
        if results:
            _print_table(results, healthz)
        if os.environ.get("BENCH_LOAD", "1") != "0":
            loadmix.run(db_name=db_name, user=user, product=products[KEYS[SIZES[-1]]])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)

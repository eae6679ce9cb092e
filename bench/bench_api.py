"""API throughput and move cost on PostgreSQL with 10,000 items, in a database of its own.

1. Items per second paging the whole backlog through GET /api/v1/items/ (gunicorn, Bearer token,
   pages of 500), next to the floor: the same pages from a bare keyset + orjson view behind the
   same server. The goal is at least 0.7 of the floor.
2. What the labels cost a page of the list: the page statement with and without their join.
3. The median time of one move (service call, in a 10,000-item backlog) and the rows it wrote,
   next to the time of rewriting every rank of the backlog (what a naive reorder costs).
"""

import gc
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ITEMS = 10_000
PAGE = 500
ROUNDS = 15
MOVES = 200
PORT = int(os.environ.get("BENCH_API_PORT", "8101"))
ROOT = Path(__file__).resolve().parent.parent


def _seed():
    from django.contrib.auth import get_user_model

    from backlog.models import RANK_GAP, AcceptanceCriterion, BacklogItem, Label
    from integrations.services import api_token_create
    from products.models import Product
    from workspaces.models import Membership, Role, Workspace

    user = get_user_model().objects.create_user("bench", password="x")
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN)
    product = Product.objects.create(workspace=workspace, name="Bench", key="BEN")
    rng = random.Random(7)
    BacklogItem.objects.bulk_create(
        [
            BacklogItem(
                product=product,
                number=n + 1,
                rank=(n + 1) * RANK_GAP,
                title=f"Item {n + 1}: make checkout faster for returning shoppers",
                description="As described in the discovery notes.",
                kind=rng.choice(["story", "bug", "feature"]),
                story_points=rng.choice([1, 2, 3, 5, 8]),
                as_a="shopper",
                i_want="to pay in one click",
                so_that="I finish faster",
            )
            for n in range(ITEMS)
        ],
        batch_size=2000,
    )
    ids = list(BacklogItem.objects.filter(product=product).values_list("id", flat=True)[::10])
    AcceptanceCriterion.objects.bulk_create(
        [AcceptanceCriterion(item_id=i, order=k, text=f"Given a shopper, then {k}") for i in ids for k in (1, 2)]
    )
    BacklogItem.objects.filter(pk__in=ids).update(has_criteria=True)  # what criterion_add does, in bulk
    # A third of the items carry two of the product's labels (the list reads them with each row).
    labels = Label.objects.bulk_create([Label(product=product, name=n) for n in ("web", "ios", "payments", "ux")])
    labelled = list(BacklogItem.objects.filter(product=product).values_list("id", flat=True)[::3])
    BacklogItem.labels.through.objects.bulk_create(
        [
            BacklogItem.labels.through(backlogitem_id=i, label_id=labels[(i + k) % 4].pk)
            for i in labelled
            for k in (0, 1)
        ]
    )
    _, raw = api_token_create(user=user, name="bench")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have them on a live database
    return user, product, raw


def _get(url: str, headers: dict) -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
        return json.loads(response.read())


def _pages(base: str, product_id: int, token: str) -> dict:
    """The next-page functions of the three lists: each takes the last page (None at first) and
    returns the next one's URL and headers, or None at the end."""
    bearer = {"Authorization": f"Bearer {token}"}

    def linked(path: str, headers: dict):
        def following(page):
            if page is None:
                return f"{base}{path}?product={product_id}&page_size={PAGE}", headers
            return (page["next"], headers) if page["next"] else None

        return following

    def floor(page):
        after = "" if page is None else f"&after={page['next']}"
        if page is not None and page["next"] is None:
            return None
        return f"{base}/bench/items-floor/?product={product_id}&page_size={PAGE}{after}", {}

    return {
        "api": linked("/api/v1/items/", bearer),
        "floor": floor,
        "serializer": linked("/bench/items-serializer/", bearer),
    }


def _walk(lists: dict, names: list[str]) -> dict[str, tuple[float, int]]:
    """Page through the named lists in lockstep (page 1 of each, then page 2 of each, …), timing
    every request: a slow spell of a shared machine falls on all of them alike.
    Returns each list's (seconds, items)."""
    pages = dict.fromkeys(names)
    spent = dict.fromkeys(names, 0.0)
    items = dict.fromkeys(names, 0)
    live = list(names)
    # The client's own collector would stop it now and then for a walk of its whole heap (Django is
    # loaded), adding milliseconds to whichever request it fell on: it runs between walks instead.
    gc.collect()
    gc.disable()
    try:
        while live:
            for name in list(live):
                following = lists[name](pages[name])
                if following is None:
                    live.remove(name)
                    continue
                url, headers = following
                started = time.perf_counter()
                pages[name] = _get(url, headers)
                spent[name] += time.perf_counter() - started
                items[name] += len(pages[name]["results"])
            live.reverse()  # neither list always goes first
    finally:
        gc.enable()
    return {name: (spent[name], items[name]) for name in names}


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port}")


def _throughput(db_name: str, product_id: int, token: str) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db_name}",
        "DJANGO_SETTINGS_MODULE": "pmhub.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "API_RATE_LIMIT": "100000/min",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.floor:application_factory()",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for_port(PORT)
        base = f"http://127.0.0.1:{PORT}"
        lists = _pages(base, product_id, token)
        names = ["api", "floor", "serializer"]
        assert {n: count for n, (_, count) in _walk(lists, names).items()} == dict.fromkeys(names, ITEMS)  # warm-up
        api_times, floor_times = [], []
        for _ in range(ROUNDS):
            walked = _walk(lists, ["api", "floor"])
            api_times.append(walked["api"][0])
            floor_times.append(walked["floor"][0])
        # Apart: its slow requests leave the server with garbage that the next request would pay for.
        serializer_times = [_walk(lists, ["serializer"])["serializer"][0] for _ in range(3)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"items list over HTTP (gunicorn, token, pages of {PAGE}, {ITEMS} items, {ROUNDS} rounds of pages in turn):")
    api_rate, floor_rate = ITEMS / statistics.median(api_times), ITEMS / statistics.median(floor_times)
    # A round pages through the lists in lockstep, so each round's ratio compares requests made
    # milliseconds apart.
    ratios = sorted(floor / api for api, floor in zip(api_times, floor_times, strict=True))
    print(
        f"  median  API {api_rate:8,.0f} items/s   floor {floor_rate:8,.0f} items/s "
        "(bare keyset SQL + orjson view, same server)"
    )
    print(
        f"  ratio   {statistics.median(ratios):.2f} (goal ≥ 0.70): the median of the rounds' API ÷ floor "
        f"(lowest {ratios[0]:.2f}, highest {ratios[-1]:.2f})"
    )
    plain = ITEMS / statistics.median(serializer_times)
    print(
        f"  for comparison: a plain DRF list with ItemSerializer {plain:8,.0f} items/s (median), "
        f"ratio {plain / (ITEMS / statistics.median(floor_times)):.2f} of the floor"
    )


def _labels_cost(user, product) -> None:
    """What reading the labels with each row costs the hot list: its page statement as shipped next to
    the same statement with an empty array in place of the labels' join, walking the backlog in
    pages of PAGE in-process (no HTTP), the two walks in turn, ROUNDS times."""
    from django.db import connection

    from backlog.selectors import items as selectors
    from backlog.serializers import ITEM_VALUE_FIELDS

    shipped = selectors._item_page_sql(field="rank", desc=False, cursor="value", with_product=True)
    labels, join = selectors._page_labels_sql()
    bare = shipped.replace(labels, "'{}'::text[]").replace(join, "")
    assert bare != shipped
    at_rank, at_id = ITEM_VALUE_FIELDS.index("rank"), ITEM_VALUE_FIELDS.index("id")

    def walk(sql: str) -> float:
        started, rank, last_id = time.perf_counter(), -1, 0
        with connection.cursor() as cursor:
            while True:
                cursor.execute(sql, [user.pk, product.pk, rank, rank, last_id, PAGE])
                rows = cursor.fetchall()
                if len(rows) < PAGE:
                    return time.perf_counter() - started
                rank, last_id = rows[-1][at_rank], rows[-1][at_id]

    times: dict[str, list[float]] = {"shipped": [], "bare": []}
    for _ in range(ROUNDS):
        times["shipped"].append(walk(shipped))
        times["bare"].append(walk(bare))
    pages = ITEMS / PAGE
    with_labels, without = (statistics.median(times[k]) * 1000 / pages for k in ("shipped", "bare"))
    print(f"the labels' share of the list (page statement in-process, {ITEMS} items, a third with 2 labels):")
    print(
        f"  median  {with_labels:.2f} ms a page of {PAGE} with the labels   {without:.2f} ms without "
        f"(same statement, an empty array instead): ×{with_labels / without:.2f}"
    )


def _rows_updated(cursor) -> int:
    cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'backlog_backlogitem'")
    row = cursor.fetchone()
    return row[0] if row else 0


def _moves(user, product) -> None:
    from django.db import connection, transaction

    from backlog.models import BacklogItem
    from backlog.services.items import item_move, ranks_rebalance

    rng = random.Random(11)
    ids = list(BacklogItem.objects.filter(product=product).values_list("id", flat=True))
    times, written = [], []
    for _ in range(MOVES):
        moved, anchor = rng.sample(ids, 2)
        item = BacklogItem.objects.get(pk=moved)
        with transaction.atomic(), connection.cursor() as cursor:
            before = _rows_updated(cursor)
            started = time.perf_counter()
            item_move(item=item, actor=user, before=anchor)
            times.append(time.perf_counter() - started)
            written.append(_rows_updated(cursor) - before)
    rewrite_times, rewrite_rows = [], 0
    for _ in range(5):
        # the naive alternative: give every item a new position (scramble, then renumber all)
        BacklogItem.objects.filter(product=product, pk=rng.choice(ids)).update(rank=1)
        with transaction.atomic(), connection.cursor() as cursor:
            before = _rows_updated(cursor)
            started = time.perf_counter()
            cursor.execute(
                "UPDATE backlog_backlogitem SET rank = rank + 1 WHERE product_id = %s", [product.pk]
            )  # every row moves one step: what an array-index order writes on a move to the top
            rewrite_times.append(time.perf_counter() - started)
            rewrite_rows = _rows_updated(cursor) - before
        ranks_rebalance(product_id=product.pk)
    print(f"moves in a {ITEMS}-item backlog ({MOVES} random moves, service call with its product lock):")
    print(
        f"  median move      {statistics.median(times) * 1000:8.2f} ms, rows written: median "
        f"{statistics.median(written):.0f}, max {max(written)}"
    )
    print(
        f"  rewrite-all      {statistics.median(rewrite_times) * 1000:8.2f} ms, rows written: {rewrite_rows} "
        "(baseline: renumbering the whole list on a move)"
    )


def main() -> None:
    import django
    from django.conf import settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmhub.settings")
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench_api needs PostgreSQL: set DATABASE_URL=postgres://…")
        return
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from pmhub.celery import app

    app.conf.task_always_eager = True
    original = settings.DATABASES["default"]["NAME"]
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        user, product, token = _seed()
        _throughput(db_name, product.pk, token)
        _labels_cost(user, product)
        _moves(user, product)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()

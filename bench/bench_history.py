"""The write overhead of the activity history (PostgreSQL triggers of django-pghistory).

In a database of its own: one product with 1,000 backlog items. Timed in the same run, alternating:
- one item saved (`save(update_fields=...)`, one UPDATE in its own transaction), 400 times;
- one set-based UPDATE of all 1,000 items (what a bulk edit or a rebalance does), 9 times;
each with the history triggers on (inside a pghistory context, as a request has: one event row per
changed row, with its context) and off (`pgtrigger.ignore` on the same trigger: the baseline).

Run: `DATABASE_URL=postgres://… python -m bench history` (or `make bench`).
"""

import os
import statistics
import time
import warnings

import pghistory
import pgtrigger
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import setup_test_environment

ITEMS, SAVES, BULKS = 1000, 400, 9
TRIGGER = "backlog.BacklogItem:update_update"


def _build():
    from backlog.models import BacklogItem
    from products.models import Product
    from workspaces.models import Workspace

    workspace = Workspace.objects.create(name="Bench")
    product = Product.objects.create(workspace=workspace, name="Bench", key="BEN")
    BacklogItem.objects.bulk_create(
        BacklogItem(product=product, number=n + 1, rank=(n + 1) * 1024, title=f"Item {n}") for n in range(ITEMS)
    )
    return product, list(BacklogItem.objects.filter(product=product).order_by("rank"))


def _saves(items, flip: int) -> float:
    start = time.perf_counter()
    for i in range(SAVES):
        item = items[i % len(items)]
        item.title = f"Saved {flip} {i}"
        with transaction.atomic():
            item.save(update_fields=["title"])
    return (time.perf_counter() - start) / SAVES


def _bulk(product, flip: int) -> float:
    from backlog.models import BacklogItem

    start = time.perf_counter()
    with transaction.atomic():
        BacklogItem.objects.filter(product=product).update(
            title=Concat(Value(f"Bulk {flip} "), F("number")), version=F("version") + 1
        )
    return time.perf_counter() - start


def main() -> None:
    from collaboration.history import BacklogItemEvent

    if connection.vendor != "postgresql":
        print("needs PostgreSQL (DATABASE_URL=postgres://…): the history triggers exist only there")
        return
    setup_test_environment(debug=False)
    warnings.filterwarnings("ignore", message="No directory at")
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_history_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        product, items = _build()
        on, off, bulk_on, bulk_off = [], [], [], []
        with pghistory.context(user=None, url="/bench"):
            for flip in range(4):  # alternate, so that drift of the machine hits both alike
                with pgtrigger.ignore(TRIGGER):
                    off.append(_saves(items, flip))
                on.append(_saves(items, flip + 10))
            for flip in range(BULKS):
                with pgtrigger.ignore(TRIGGER):
                    bulk_off.append(_bulk(product, flip))
                bulk_on.append(_bulk(product, flip + 100))
        events = BacklogItemEvent.objects.filter(pgh_label="update").count()
        expected = 4 * SAVES + BULKS * ITEMS
        save_on, save_off = statistics.median(on) * 1e3, statistics.median(off) * 1e3
        b_on, b_off = statistics.median(bulk_on) * 1e3, statistics.median(bulk_off) * 1e3
        print(f"events recorded: {events} (expected {expected}: one per changed row, none while ignored)")
        print(
            f"one save (UPDATE + commit): {save_on:.3f} ms with history vs {save_off:.3f} ms without "
            f"(+{save_on - save_off:.3f} ms, ×{save_on / save_off:.2f})"
        )
        print(
            f"bulk UPDATE of {ITEMS:,} rows: {b_on:.1f} ms with history vs {b_off:.1f} ms without "
            f"(+{b_on - b_off:.1f} ms, ×{b_on / b_off:.2f}; {(b_on - b_off) / ITEMS * 1e3:.1f} µs a row)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

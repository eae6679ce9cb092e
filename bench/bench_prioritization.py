"""Prioritisation at 100,000 items on PostgreSQL.

1. A full re-score (RICE, WSJF, custom scorecard, snapshot) next to one hand-written SQL UPDATE
   computing the same RICE scores on the same rows, in the same run. Goal: within 1.5×.
2. One item's edit through the service, which stores its new score in the same write, next to a
   bare UPDATE of the input.
3. The ranked view's first page (with positions by window functions) next to a plain ORDER BY.

Works in its own throw-away database (created and dropped here); never touches real data.
Run: `DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… python -m bench prioritization`.
"""

import os
import statistics
import time
from decimal import Decimal

ITEMS = int(os.environ.get("BENCH_PRIORITIZATION_ITEMS", "100000"))
REPEATS = 5
EDITS = 20


def _seed(product_id: int) -> None:
    """100,000 items with varied inputs, about 5 % missing one; set-based so seeding takes seconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            INSERT INTO backlog_backlogitem (
                created_at, updated_at, version, number, kind, title, description, status, rank, moscow,
                as_a, i_want, so_that, rejection_reason, product_id, reach, impact, confidence, effort,
                business_value, time_criticality, risk_reduction, job_size)
            SELECT now(), now(), 1, n, 'story', 'Item ' || n, '', 'new', n * 1024, '', '', '', '', '', %s,
                CASE WHEN random() < 0.05 THEN NULL ELSE (random() * 50000)::int END,
                (ARRAY[3, 2, 1, 0.5, 0.25])[1 + floor(random() * 5)::int],
                (ARRAY[100, 80, 50, 20])[1 + floor(random() * 4)::int],
                CASE WHEN random() < 0.02 THEN NULL ELSE round((0.25 + random() * 24)::numeric, 2) END,
                (ARRAY[1, 2, 3, 5, 8, 13, 20])[1 + floor(random() * 7)::int],
                (ARRAY[1, 2, 3, 5, 8, 13, 20])[1 + floor(random() * 7)::int],
                (ARRAY[1, 2, 3, 5, 8, 13, 20])[1 + floor(random() * 7)::int],
                CASE WHEN random() < 0.03 THEN NULL
                    ELSE (ARRAY[1, 2, 3, 5, 8, 13, 20])[1 + floor(random() * 7)::int] END
            FROM generate_series(1, %s) AS n
            """,
            [product_id, ITEMS],
        )
        cursor.execute("ANALYZE backlog_backlogitem")


def _reset(product_id: int) -> None:
    """Forget every stored score, then vacuum so each timed statement starts from the same table."""
    from django.db import connection

    from prioritization.models import Snapshot

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE backlog_backlogitem SET rice_score = NULL, wsjf_score = NULL WHERE product_id = %s", [product_id]
        )
        Snapshot.objects.filter(product_id=product_id).delete()
        cursor.execute("VACUUM ANALYZE backlog_backlogitem")


def _hand_written_update(product_id: int) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE backlog_backlogitem
            SET rice_score = CASE WHEN reach IS NOT NULL AND impact IS NOT NULL AND confidence IS NOT NULL
                AND effort > 0 THEN round(reach * impact * confidence / (100 * effort), 2) END
            WHERE product_id = %s
            """,
            [product_id],
        )
    return time.perf_counter() - started


def _full_run(product, user) -> tuple[float, dict]:
    from jobs.services import job_create
    from prioritization.services import JOB_KIND, product_reprioritise

    job = job_create(workspace=product.workspace, product=product, kind=JOB_KIND, actor=user)
    started = time.perf_counter()
    result = product_reprioritise(product_id=product.pk, job_id=job.pk)
    return time.perf_counter() - started, result


def _rescore_figures(product, user) -> None:
    baseline, full = [], []
    for _ in range(REPEATS):
        _reset(product.pk)
        baseline.append(_hand_written_update(product.pk))
        _reset(product.pk)
        seconds, result = _full_run(product, user)
        full.append(seconds)
    again, again_result = _full_run(product, user)
    b, r = statistics.median(baseline), statistics.median(full)
    print(f"items: {ITEMS:,} in one product; {result['scored']:,} scored by RICE, {result['unscored']:,} unscored")
    print(f"hand-written SQL UPDATE of the RICE scores (baseline): {b * 1000:8.0f} ms  (median of {REPEATS})")
    print(f"full re-score (RICE + WSJF + custom + snapshot):      {r * 1000:8.0f} ms  (median of {REPEATS})")
    print(f"ratio full re-score / baseline: {r / b:.2f}×  (goal ≤ 1.50×)")
    print(
        f"second run, nothing to change: {again * 1000:.0f} ms, "
        f"{again_result['items_rescored']} rows written, snapshot recorded: {again_result['snapshot_recorded']}"
    )


def _ranking_figures(product) -> None:
    """The ranked view's first page (positions by score and manual order are window functions)."""
    from backlog.models import BacklogItem
    from prioritization import selectors

    def timed(fn) -> float:
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    plain = timed(lambda: list(BacklogItem.objects.filter(product=product).order_by("-rice_score")[:50]))
    items = selectors.items_for_ranking(product=product)
    ranked = timed(lambda: list(selectors.ranked(items=items, framework="rice")[:50]))
    print(f"first 50 by RICE, plain ORDER BY … LIMIT (baseline): {plain * 1000:8.1f} ms")
    print(f"first 50 of the ranked view with positions and gap:  {ranked * 1000:8.1f} ms")


def _latency_figures(product, user) -> None:
    """One item's edit, which stores its new RICE score in the same write, next to a bare UPDATE of the input."""
    from backlog.models import BacklogItem
    from backlog.services.items import item_update

    items = list(BacklogItem.objects.filter(product=product, reach__isnull=False, effort__isnull=False)[:EDITS])
    bare = []
    for item in items[: EDITS // 2]:
        started = time.perf_counter()
        BacklogItem.objects.filter(pk=item.pk).update(reach=item.reach + 1)
        bare.append(time.perf_counter() - started)
    edits = []
    for n, item in enumerate(items):
        item.refresh_from_db()
        new_reach = item.reach + 1000 + n
        expected = (Decimal(new_reach) * item.impact * item.confidence / (100 * item.effort)).quantize(
            Decimal("0.01"), rounding="ROUND_HALF_UP"
        )
        started = time.perf_counter()
        item_update(item=item, data={"reach": new_reach}, actor=user)
        edits.append(time.perf_counter() - started)
        stored = BacklogItem.objects.filter(pk=item.pk).values_list("rice_score", flat=True).get()
        if stored != expected:
            raise RuntimeError(f"item {item.pk} stored {stored}, expected {expected}")
    print(f"bare UPDATE of an input (baseline): median {statistics.median(bare) * 1000:6.1f} ms over {len(bare)} edits")
    print(
        f"edit through item_update, score stored with it: median {statistics.median(edits) * 1000:6.1f} ms, "
        f"max {max(edits) * 1000:.1f} ms over {len(edits)} edits"
    )


def main() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (set DATABASE_URL=postgres://…)")
        return
    from tests import factories as f

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_prioritization_{os.getpid()}"
    settings.DATABASES["default"]["TEST"] = connection.settings_dict["TEST"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        user = f.UserFactory(username="bench")
        product = f.ProductFactory(key="BENCH")
        started = time.perf_counter()
        _seed(product.pk)
        print(f"seeded {ITEMS:,} items in {time.perf_counter() - started:.1f} s")
        _rescore_figures(product, user)
        _ranking_figures(product)
        _latency_figures(product, user)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

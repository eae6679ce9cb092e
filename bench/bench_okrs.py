"""OKR rollup of a large workspace on PostgreSQL, next to one hand-written SQL aggregate of the same figures.

The workspace: 1,000 objectives (100 workspace objectives, each supported by 9 product objectives),
5,000 key results (5 an objective, one in ten tracking a KPI) and 365 daily check-ins on each key
result: 1,825,000 check-in rows, loaded with COPY into a database of its own that is dropped at the end.

Figures printed:
- the full rollup (`okrs.rollup.workspace_rollup`): current values, progress and health of every key
  result and objective, written back to the database;
- one check-in's rollup (the task a check-in enqueues): that key result, then every objective;
- the baseline: one SELECT computing the same progress figures (latest check-in per key result,
  weighted means up the two-level tree) without writing them; and a check that both agree.

Run: `DATABASE_URL=postgres://… python -m bench okrs` (or `make bench`).
"""

import io
import os
import random
import statistics
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection

OBJECTIVES, PARENTS, KEY_RESULTS_EACH, CHECK_INS_EACH, KPIS = 1000, 100, 5, 365, 10
PERIOD, TODAY = "2027", date(2027, 7, 2)
REPEAT = 3

BASELINE_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (m.key_result_id) m.key_result_id, m.value
    FROM okrs_measurement m
    JOIN okrs_keyresult k ON k.id = m.key_result_id
    JOIN okrs_objective o ON o.id = k.objective_id
    WHERE o.workspace_id = %(ws)s
    ORDER BY m.key_result_id, m.measured_at DESC, m.id DESC
), kpi_latest AS (
    SELECT DISTINCT ON (m.kpi_id) m.kpi_id, m.value
    FROM okrs_measurement m
    JOIN okrs_kpi kpi ON kpi.id = m.kpi_id
    JOIN products_product p ON p.id = kpi.product_id
    WHERE p.workspace_id = %(ws)s
    ORDER BY m.kpi_id, m.measured_at DESC, m.id DESC
), kr AS (
    SELECT k.id, k.objective_id, k.weight,
           CASE WHEN COALESCE(kl.value, l.value, k.current_value) IS NULL OR k.target_value = k.start_value THEN 0
                ELSE GREATEST(0, LEAST(1, (COALESCE(kl.value, l.value, k.current_value) - k.start_value)
                                          / (k.target_value - k.start_value)))
           END AS progress
    FROM okrs_keyresult k
    JOIN okrs_objective o ON o.id = k.objective_id
    LEFT JOIN latest l ON l.key_result_id = k.id
    LEFT JOIN kpi_latest kl ON kl.kpi_id = k.kpi_id
    WHERE o.workspace_id = %(ws)s
), own AS (
    SELECT objective_id, SUM(weight * progress) AS weighted, SUM(weight) AS weights FROM kr GROUP BY objective_id
), child AS (
    SELECT o.id, o.parent_id, o.weight, own.weighted / NULLIF(own.weights, 0) AS progress
    FROM okrs_objective o LEFT JOIN own ON own.objective_id = o.id
    WHERE o.workspace_id = %(ws)s AND o.parent_id IS NOT NULL
), parent AS (
    SELECT p.id,
           (COALESCE(own.weighted, 0) + COALESCE(SUM(c.weight * c.progress), 0))
           / NULLIF(COALESCE(own.weights, 0) + COALESCE(SUM(c.weight) FILTER (WHERE c.progress IS NOT NULL), 0), 0)
           AS progress
    FROM okrs_objective p
    LEFT JOIN own ON own.objective_id = p.id
    LEFT JOIN child c ON c.parent_id = p.id
    WHERE p.workspace_id = %(ws)s AND p.parent_id IS NULL
    GROUP BY p.id, own.weighted, own.weights
)
SELECT 'kr', id, progress FROM kr
UNION ALL SELECT 'objective', id, progress FROM child
UNION ALL SELECT 'objective', id, progress FROM parent
"""


def _copy(cursor, table: str, columns: str, lines) -> None:
    buffer = io.StringIO()
    buffer.writelines(lines)
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)


def _load() -> tuple[int, int, int]:
    """Build the workspace; returns (workspace id, a key result id, check-in rows loaded)."""
    from okrs.models import KPI, KeyResult, Measurement, Objective
    from products.models import Product
    from workspaces.models import Workspace

    rng = random.Random(7)
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    products = [Product.objects.create(workspace=workspace, name=f"Product {n}", key=f"B{n}") for n in range(3)]
    kpis = KPI.objects.bulk_create([KPI(product=products[n % 3], name=f"KPI {n}") for n in range(KPIS)])
    parents = Objective.objects.bulk_create(
        [Objective(workspace=workspace, title=f"Company {n}", period=PERIOD) for n in range(PARENTS)]
    )
    children = Objective.objects.bulk_create(
        [
            Objective(
                workspace=workspace,
                product=products[n % 3],
                parent=parents[n % PARENTS],
                title=f"Team {n}",
                period=PERIOD,
                weight=Decimal(rng.choice(["1", "2", "3"])),
            )
            for n in range(OBJECTIVES - PARENTS)
        ]
    )
    key_results = []
    for objective in [*parents, *children]:
        for n in range(KEY_RESULTS_EACH):
            decrease = n % 2 == 1
            start = Decimal(rng.randint(50, 100))
            target = start - Decimal(rng.randint(10, 40)) if decrease else start + Decimal(rng.randint(10, 200))
            key_results.append(
                KeyResult(
                    objective=objective,
                    title=f"KR {objective.title} {n}",
                    direction="decrease" if decrease else "increase",
                    start_value=start,
                    target_value=target,
                    weight=Decimal(rng.choice(["1", "1", "2", "0.5"])),
                    kpi=kpis[rng.randrange(KPIS)] if rng.random() < 0.1 else None,
                )
            )
    key_results = KeyResult.objects.bulk_create(key_results, batch_size=1000)

    table = Measurement._meta.db_table
    first_day = datetime(2026, 7, 2, 9, 0).isoformat() + "+00:00"
    now = datetime.now().isoformat() + "+00:00"
    days = [(datetime.fromisoformat(first_day) + timedelta(days=d)).isoformat() for d in range(CHECK_INS_EACH)]
    rows = 0
    with connection.cursor() as cursor:
        kpi_lines = [f'{now},{now},1,{kpi.pk},,{rng.randint(0, 300)}.5,{day},"",\n' for kpi in kpis for day in days]
        _copy(
            cursor,
            table,
            "created_at,updated_at,version,kpi_id,key_result_id,value,measured_at,note,confidence",
            kpi_lines,
        )
        batch: list[str] = []
        for key_result in key_results:
            low, high = sorted((int(key_result.start_value), int(key_result.target_value)))
            for d, day in enumerate(days):
                value = rng.randint(low - 5, high + 5)
                note = "weekly review" if d % 7 == 0 else '""'  # quoted: an empty CSV field is NULL
                batch.append(f"{now},{now},1,,{key_result.pk},{value},{day},{note},{rng.randint(20, 100)}\n")
            if len(batch) >= 200_000:
                _copy(
                    cursor,
                    table,
                    "created_at,updated_at,version,kpi_id,key_result_id,value,measured_at,note,confidence",
                    batch,
                )
                rows += len(batch)
                batch = []
        _copy(
            cursor, table, "created_at,updated_at,version,kpi_id,key_result_id,value,measured_at,note,confidence", batch
        )
        rows += len(batch)
        cursor.execute(f"ANALYZE {table}")
        cursor.execute("ANALYZE okrs_keyresult")
        cursor.execute("ANALYZE okrs_objective")
    return workspace.pk, key_results[len(key_results) // 2].pk, rows


def _timed(function, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("bench_okrs needs PostgreSQL: set DATABASE_URL=postgres://…")
        return
    from okrs.models import KeyResult, Objective
    from okrs.services.rollup import workspace_rollup

    old_name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"bench_okrs_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        workspace_id, one_key_result, rows = _load()
        print(
            f"loaded {OBJECTIVES:,} objectives, {OBJECTIVES * KEY_RESULTS_EACH:,} key results, "
            f"{rows:,} check-ins (+{KPIS * CHECK_INS_EACH:,} KPI measurements) in {time.perf_counter() - started:.1f} s"
        )

        def baseline():
            with connection.cursor() as cursor:
                cursor.execute(BASELINE_SQL, {"ws": workspace_id})
                return cursor.fetchall()

        first, first_figures = _timed(lambda: workspace_rollup(workspace_id=workspace_id, today=TODAY), repeat=1)
        full, figures = _timed(lambda: workspace_rollup(workspace_id=workspace_id, today=TODAY))
        one, _ = _timed(
            lambda: workspace_rollup(workspace_id=workspace_id, key_result_ids=[one_key_result], today=TODAY)
        )
        sql, rows_sql = _timed(baseline)

        stored = {("kr", pk): p for pk, p in KeyResult.objects.values_list("pk", "rollup_progress")}
        stored.update({("objective", pk): p for pk, p in Objective.objects.values_list("pk", "progress")})
        worst = max(abs(Decimal(stored[(kind, pk)] or 0) - Decimal(progress or 0)) for kind, pk, progress in rows_sql)
        print(f"first full rollup (writes 5,000 KRs, 1,000 objectives): {first * 1000:7.0f} ms  {first_figures}")
        print(f"full rollup again (idempotent; median of {REPEAT}):       {full * 1000:7.0f} ms  {figures}")
        print(f"one check-in's rollup (1 KR, then every objective):     {one * 1000:7.0f} ms")
        print(
            f"baseline: one hand-written SQL SELECT of the same figures: {sql * 1000:5.0f} ms  ({len(rows_sql):,} rows)"
        )
        print(
            f"full rollup ÷ SQL baseline: first {first / sql:.2f}×, again {full / sql:.2f}×; "
            f"largest difference between their figures: {worst:.6f} (the rollup rounds progress to 6 places)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

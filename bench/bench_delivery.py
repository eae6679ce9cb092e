"""Delivery planning figures, each next to a baseline measured in the same run, in a database of its own.

1. The burndown of a 2-week sprint with 500 items and 5,000 recorded changes (sprint_burndown: the
   per-day aggregate of its ledger and the chart drawn from it), next to one bare SQL aggregate of
   the same ledger by day (the floor of any burndown read from the history).
2. The release plan page of a product with 10,000 items in 12 releases (through the whole Django
   stack, with its forecasts), next to the health check (the cheapest full request).
3. The Monte Carlo forecast of 500 items, 10,000 trials, vectorised with numpy, next to a plain-Python
   loop of the same trials drawing from the same history.
"""

import random
import statistics
import time
import warnings
from datetime import date, datetime, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse
from django.utils import timezone

SPRINT_ITEMS, CHANGES = 500, 5_000
PLAN_ITEMS, RELEASES = 10_000, 12
TRIALS, FORECAST_ITEMS = 10_000, 500
ROUNDS = 15


def _median_ms(call, rounds: int = ROUNDS) -> float:
    call()  # warm up
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def _sprint(product, user):
    from backlog.models import RANK_GAP, BacklogItem, ScopeChangeKind, Sprint, SprintScopeChange, SprintStatus

    start = date.today() - timedelta(days=13)
    sprint = Sprint.objects.create(
        product=product, name="Bench sprint", start_date=start, end_date=start + timedelta(days=13), capacity_points=300
    )
    BacklogItem.objects.bulk_create(
        BacklogItem(product=product, number=n + 1, rank=(n + 1) * RANK_GAP, title=f"Story {n}", sprint=sprint)
        for n in range(SPRINT_ITEMS)
    )
    items = list(BacklogItem.objects.filter(sprint=sprint).values_list("pk", flat=True))
    rng = random.Random(3)
    began = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    rows = [
        SprintScopeChange(
            sprint=sprint, item_id=i, kind=ScopeChangeKind.BASELINE, scope_points=3, scope_items=1, at=began
        )
        for i in items
    ]
    kinds = [ScopeChangeKind.COMPLETED, ScopeChangeKind.REESTIMATED, ScopeChangeKind.ADDED, ScopeChangeKind.REOPENED]
    for n in range(CHANGES - len(rows)):
        kind = kinds[n % 4]
        rows.append(
            SprintScopeChange(
                sprint=sprint,
                item_id=rng.choice(items),
                kind=kind,
                scope_points=rng.choice([1, 2, -1]) if kind != ScopeChangeKind.COMPLETED else 0,
                done_points=rng.choice([1, 2, 3]) if kind == ScopeChangeKind.COMPLETED else 0,
                at=began + timedelta(minutes=rng.randrange(14 * 24 * 60)),
                actor=user,
            )
        )
    SprintScopeChange.objects.bulk_create(rows, batch_size=2000)
    Sprint.objects.filter(pk=sprint.pk).update(status=SprintStatus.ACTIVE, started_at=began)
    return Sprint.objects.get(pk=sprint.pk)


def _plan_product(workspace):
    from backlog.models import RANK_GAP, BacklogItem
    from products.models import Product
    from roadmap.models import Release

    product = Product.objects.create(workspace=workspace, name="Plan", key="PLN")
    today = date.today()
    releases = [
        Release.objects.create(product=product, name=f"R{n}", target_date=today + timedelta(days=30 * (n + 1)))
        for n in range(RELEASES)
    ]
    rng = random.Random(5)
    done_at = [timezone.now() - timedelta(days=rng.randrange(1, 90)) for _ in range(PLAN_ITEMS)]
    BacklogItem.objects.bulk_create(
        (
            BacklogItem(
                product=product,
                number=n + 1,
                rank=(n + 1) * RANK_GAP,
                title=f"Item {n}",
                release=releases[n % RELEASES],
                story_points=rng.choice([1, 2, 3, 5, 8]),
                status="done" if n % 3 == 0 else "ready",
                done_at=done_at[n] if n % 3 == 0 else None,
            )
            for n in range(PLAN_ITEMS)
        ),
        batch_size=2000,
    )
    return product


def _plain_python_days(history: list[int], remaining: int, trials: int, seed: int) -> list[int]:
    """The same simulation as delivery.forecast.simulate_days, one trial and one day at a time."""
    rng = random.Random(seed)
    days = []
    for _ in range(trials):
        total, day = 0, 0
        while total < remaining and day < 3 * 365:
            total += history[rng.randrange(len(history))]
            day += 1
        days.append(day)
    return days


def main() -> None:
    import numpy as np

    from backlog.models import SprintScopeChange
    from backlog.selectors.sprint_history import sprint_burndown
    from delivery.forecast import forecast_when, percentile_days
    from tests import factories as f

    setup_test_environment(debug=False)
    warnings.filterwarnings("ignore", message="No directory at")
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"] = {
        **connection.settings_dict.get("TEST", {}),
        "NAME": f"bench_delivery_{old_name}",
    }
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        workspace = f.WorkspaceFactory(name="Bench")
        user = f.UserFactory(username="bench_pm")
        f.MembershipFactory(workspace=workspace, user=user, role="admin")
        product = f.ProductFactory(workspace=workspace, name="Bench", key="BEN")
        sprint = _sprint(product, user)
        plan_product = _plan_product(workspace)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        print(f"1. Burndown of a 2-week sprint: {SPRINT_ITEMS} items, {CHANGES} recorded changes")
        table = SprintScopeChange._meta.db_table

        def one_aggregate():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT date_trunc('day', at), SUM(scope_points), SUM(done_points) FROM {table} "  # noqa: S608
                    "WHERE sprint_id = %s GROUP BY 1 ORDER BY 1",
                    [sprint.pk],
                )
                return cursor.fetchall()

        floor = _median_ms(one_aggregate)
        chart = sprint_burndown(sprint=sprint)
        connection.queries_log.clear()  # a full log (9,000 entries) would hide what is captured
        with CaptureQueriesContext(connection) as ctx:
            sprint_burndown(sprint=sprint)
        ms = _median_ms(lambda: sprint_burndown(sprint=sprint))
        print(f"   baseline: one SQL aggregate by day    {floor:8.2f} ms")
        print(
            f"   sprint_burndown (chart drawn)          {ms:8.2f} ms  ({ms / floor:.1f}× baseline, "
            f"{len(ctx.captured_queries)} queries, {len(chart.series)} days)"
        )

        print(f"2. Release plan page: {PLAN_ITEMS} items in {RELEASES} releases")
        client = Client()
        client.force_login(user)
        url = reverse("delivery:release_plan", kwargs={"product_id": plan_product.pk})
        assert client.get(url).status_code == 200
        statements = []
        with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
            assert client.get(url).status_code == 200
        health = _median_ms(lambda: client.get(reverse("healthz")))
        page = _median_ms(lambda: client.get(url), rounds=10)
        print(f"   baseline: GET /healthz                 {health:8.2f} ms")
        print(
            f"   GET release plan                       {page:8.2f} ms  ({page / health:.1f}× baseline, "
            f"{len(statements)} queries)"
        )

        print(f"3. Forecast: {FORECAST_ITEMS} items, {TRIALS} trials")
        history = list(np.random.default_rng(0).poisson(3, 90))
        vectorised = _median_ms(lambda: forecast_when(history, FORECAST_ITEMS, trials=TRIALS, seed=1), rounds=7)
        began = time.perf_counter()
        plain = _plain_python_days([int(h) for h in history], FORECAST_ITEMS, TRIALS, seed=1)
        loop_ms = (time.perf_counter() - began) * 1000
        numpy_p85 = forecast_when(history, FORECAST_ITEMS, trials=TRIALS, seed=1).days[85]
        plain_p85 = percentile_days(np.array(plain), 85)
        print(f"   baseline: plain-Python loop            {loop_ms:8.2f} ms  (P85 {plain_p85} days)")
        print(
            f"   numpy, vectorised                      {vectorised:8.2f} ms  ({loop_ms / vectorised:.0f}× faster, "
            f"P85 {numpy_p85} days)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

"""What the backlog and roadmap pages cost per request, through the whole Django stack.

Builds its own throw-away database (300 backlog items, 60 initiatives), then times, with the
test client: the saves behind drag-and-drop (backlog move, initiative move, timeline
reschedule), an inline edit, and the pages (backlog, board, timeline, sprint planning).
The baseline, measured in the same run, is the health check: the cheapest full request.
"""

import statistics
import time
import warnings
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

ITEMS, INITIATIVES, ROUNDS = 300, 60, 30


def _build():
    from tests import factories as f

    workspace = f.WorkspaceFactory(name="Bench")
    user = f.UserFactory(username="bench_po")
    f.MembershipFactory(workspace=workspace, user=user, role="admin")
    product = f.ProductFactory(workspace=workspace, name="Bench", key="BEN")
    themes = [f.ThemeFactory(product=product, order=n) for n in range(4)]
    sprint = f.SprintFactory(product=product, capacity_points=40)
    start = date.today()
    initiatives = [
        f.InitiativeFactory(
            product=product,
            horizon=["now", "next", "later"][n % 3],
            theme=themes[n % 4],
            start_date=start + timedelta(days=5 * n),
            end_date=start + timedelta(days=5 * n + 45),
        )
        for n in range(INITIATIVES)
    ]
    for n in range(ITEMS):
        f.BacklogItemFactory(
            product=product,
            initiative=initiatives[n % INITIATIVES],
            sprint=sprint if n % 5 == 0 else None,
            story_points=n % 8 + 1,
        )
    return user, product, sprint, initiatives


def _time(call) -> tuple[float, int]:
    """Median milliseconds of ROUNDS calls, and the queries of one call."""
    call()  # warm up
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        call()
    queries = len(ctx.captured_queries)  # read now: later requests clear the log
    samples = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), queries


def main() -> None:
    from backlog.models import BacklogItem

    setup_test_environment(debug=False)  # production-like: no debug cursor, no template debug
    warnings.filterwarnings("ignore", message="No directory at")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        user, product, sprint, initiatives = _build()
        client = Client()
        client.force_login(user)
        p = product.pk
        items = list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("pk", flat=True))
        json = {"HTTP_ACCEPT": "application/json"}
        state = {"flip": 0}

        def move_item():
            state["flip"] ^= 1
            anchor = {"before": items[0]} if state["flip"] else {"after": items[-1]}
            client.post(reverse("backlog:item_move", kwargs={"product_id": p, "pk": items[150]}), anchor, **json)

        def move_initiative():
            state["flip"] ^= 1
            target = initiatives[3 if state["flip"] else 57]
            client.post(
                reverse("roadmap:initiative_move", kwargs={"product_id": p, "pk": initiatives[30].pk}),
                {"horizon": target.horizon, "before": target.pk},
            )

        def reschedule():
            state["flip"] ^= 1
            day = date.today() + timedelta(days=7 * state["flip"])
            client.post(
                reverse("roadmap:initiative_reschedule", kwargs={"product_id": p, "pk": initiatives[10].pk}),
                {"start_date": day.isoformat(), "end_date": (day + timedelta(days=30)).isoformat()},
            )

        def inline_edit():
            item = BacklogItem.objects.get(pk=items[20])
            state["flip"] ^= 1
            client.post(
                reverse("backlog:item_inline", kwargs={"product_id": p, "pk": item.pk}),
                {"title": f"Edited {state['flip']}", "status": item.status, "version": item.version},
            )

        cases = [
            ("baseline: GET /healthz", lambda: client.get(reverse("healthz"))),
            ("POST backlog move (drag or arrow key)", move_item),
            ("POST initiative move (board drag)", move_initiative),
            ("POST timeline reschedule", reschedule),
            ("POST inline edit (checked version)", inline_edit),
            ("GET backlog page (100 of 300 rows)", lambda: client.get(reverse("backlog:item_list", args=[p]))),
            ("GET roadmap board (60 initiatives)", lambda: client.get(reverse("roadmap:board", args=[p]))),
            ("GET roadmap timeline (60 initiatives)", lambda: client.get(reverse("roadmap:timeline", args=[p]))),
            (
                "GET sprint planning (300 items)",
                lambda: client.get(reverse("backlog:sprint_plan", kwargs={"product_id": p, "pk": sprint.pk})),
            ),
        ]
        baseline = None
        print(f"{'request':42} {'median ms':>10} {'× baseline':>11} {'queries':>8}")
        for label, call in cases:
            ms, queries = _time(call)
            baseline = baseline or ms
            print(f"{label:42} {ms:10.2f} {ms / baseline:11.1f} {queries:8d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

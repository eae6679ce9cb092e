"""Activity history: every change is recorded by PostgreSQL triggers, set-based bulk updates and moves included,
with who made it and in which workspace; the feed, timelines and API show only the user's workspaces."""

import pytest
from django.urls import reverse

from backlog.models import BacklogItem
from collaboration.history import BacklogItemEvent
from collaboration.selectors.history import activity_page
from tests import factories as f

pytestmark = pytest.mark.usefixtures("postgres")


def _bulk_url(world):
    return reverse("backlog:item_bulk", kwargs={"product_id": world.product.pk})


def test_a_bulk_update_is_recorded_per_row_with_the_user_and_the_workspace(world):
    items = [f.BacklogItemFactory(product=world.product, status="new") for _ in range(3)]
    client = world.client("product_owner")

    response = client.post(_bulk_url(world), {"ids": [i.pk for i in items], "status": "ready"})

    assert response.status_code == 302
    assert set(BacklogItem.objects.filter(pk__in=[i.pk for i in items]).values_list("status", flat=True)) == {"ready"}
    events = BacklogItemEvent.objects.filter(pgh_obj_id__in=[i.pk for i in items], pgh_label="update")
    assert events.count() == 3  # one UPDATE statement, one event per row
    metadata = {e.pgh_context.metadata["user"] for e in events.select_related("pgh_context")}
    assert metadata == {world.users["product_owner"].pk}
    rows, _ = activity_page(workspace_ids=[world.workspace.pk])
    changed = [r for r in rows if r.action == "changed" and r.kind == "backlog.backlogitem"]
    assert len(changed) == 3
    assert all(r.user == "product_owner_user" for r in changed)
    assert all(
        ("Status", "New", "Ready") in [(c.field.capitalize(), c.before, c.after) for c in r.changes] for r in changed
    )


def test_a_move_is_recorded_with_its_rank_change(world):
    a, b, c = (f.BacklogItemFactory(product=world.product) for _ in range(3))
    client = world.client("product_owner")

    response = client.post(
        reverse("backlog:item_move", kwargs={"product_id": world.product.pk, "pk": c.pk}), {"before": a.pk}
    )

    assert response.status_code in (200, 204, 302)
    assert list(BacklogItem.objects.filter(product=world.product).order_by("rank")) == [c, a, b]
    rows, _ = activity_page(workspace_ids=[world.workspace.pk], target=("backlog.backlogitem", c.pk))
    moved = rows[0]
    assert moved.action == "changed" and moved.user == "product_owner_user"
    rank = [ch for ch in moved.changes if ch.field == "rank"]
    assert rank and rank[0].before == c.rank and rank[0].after < a.rank


def test_the_timeline_of_an_item_includes_its_criteria_and_shows_from_what_to_what(world):
    item = f.BacklogItemFactory(product=world.product, title="Pay by card")
    client = world.client("contributor")
    client.post(
        reverse("backlog:criterion_add", kwargs={"product_id": world.product.pk, "pk": item.pk}),
        {"text": "Given a card, when I pay, then I get a receipt."},
    )
    item.title = "Pay by card or wallet"
    item.save()

    page = client.get(reverse("collaboration:timeline", kwargs={"label": "backlog.backlogitem", "target_id": item.pk}))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<del>Pay by card</del> → <ins>Pay by card or wallet</ins>" in html
    assert "acceptance criterion" in html


def test_the_feed_page_filters_by_kind_user_and_dates(world):
    f.BacklogItemFactory(product=world.product, title="Item A")
    theme = f.ThemeFactory(product=world.product, name="Theme T")
    url = reverse("collaboration:activity", kwargs={"workspace_id": world.workspace.pk})
    client = world.client("viewer")

    everything = client.get(url).content.decode()
    themes_only = client.get(url, {"kind": "roadmap.theme"}).content.decode()
    by_admin = client.get(url, {"user": world.users["admin"].pk}).content.decode()
    tomorrow = client.get(url, {"since": "2999-01-01"}).content.decode()

    assert "Item A" in everything and theme.name in everything
    assert theme.name in themes_only and "Item A" not in themes_only
    assert "Item A" not in by_admin  # made by a factory, outside any request: nobody's
    assert "Item A" not in tomorrow
    assert client.get(url, {"since": "not a date"}).status_code == 400


def test_no_history_of_another_workspace_is_visible(world, api):
    ours = f.BacklogItemFactory(product=world.product, title="Ours")
    theirs = f.BacklogItemFactory(product=world.other_product, title="Theirs")
    outsider = world.client("outsider")

    feed = outsider.get(reverse("collaboration:activity", kwargs={"workspace_id": world.other_workspace.pk}))
    api_rows = api("outsider").get("/api/v1/activity/").json()["results"]

    assert "Theirs" in feed.content.decode() and "Ours" not in feed.content.decode()
    assert {r["title"] for r in api_rows} == {"Theirs", world.other_product.name}
    assert (
        outsider.get(reverse("collaboration:activity", kwargs={"workspace_id": world.workspace.pk})).status_code == 404
    )
    timeline = reverse("collaboration:timeline", kwargs={"label": "backlog.backlogitem", "target_id": ours.pk})
    assert outsider.get(timeline).status_code == 404
    assert api("outsider").get("/api/v1/activity/", {"workspace": world.workspace.pk}).status_code == 400
    assert theirs.pk not in {r["object_id"] for r in api("admin").get("/api/v1/activity/").json()["results"]}


def test_the_activity_api_pages_with_a_cursor(world, api):
    for n in range(7):
        f.ThemeFactory(product=world.product, name=f"Theme {n}")
    client = api("viewer")

    first = client.get("/api/v1/activity/", {"kind": "roadmap.theme", "page_size": 4}).json()
    second = client.get(first["next"]).json()

    names = [r["title"] for r in first["results"] + second["results"]]
    assert names == [f"Theme {n}" for n in reversed(range(7))]
    assert second["next"] is None
    assert client.get("/api/v1/activity/", {"cursor": "garbage"}).status_code == 400
    assert client.get("/api/v1/activity/", {"object_id": 3}).status_code == 400


def test_a_celery_task_records_its_changes_with_the_task_name(world):
    from collaboration.context import task_context_enter, task_context_exit

    class Task:
        name = "tests.some_task"

    item = f.BacklogItemFactory(product=world.product)
    task_context_enter(task_id="t1", task=Task, kwargs={"actor_id": world.users["admin"].pk})
    BacklogItem.objects.filter(pk=item.pk).update(title="Renamed by a task")
    task_context_exit(task_id="t1")

    rows, _ = activity_page(workspace_ids=[world.workspace.pk], target=("backlog.backlogitem", item.pk))
    assert (rows[0].via, rows[0].user) == ("tests.some_task", "admin_user")


def test_pages_of_other_kinds_show_their_timeline_too(world):
    theme = f.ThemeFactory(product=world.product, name="Payments")
    client = world.client("product_manager")
    client.post(
        reverse("roadmap:theme_edit", kwargs={"product_id": world.product.pk, "pk": theme.pk}),
        {"name": "Checkout", "description": "", "color": "#4f46e5", "order": 0},
    )
    timeline = reverse("collaboration:timeline", kwargs={"label": "roadmap.theme", "target_id": theme.pk})

    page = client.get(reverse("roadmap:theme_detail", kwargs={"product_id": world.product.pk, "pk": theme.pk}))
    html = client.get(timeline).content.decode()

    assert timeline in page.content.decode() and "collaboration:comments" not in page.content.decode()
    assert "product_manager_user" in html and "<del>Payments</del> → <ins>Checkout</ins>" in html
    assert world.client("outsider").get(timeline).status_code == 404

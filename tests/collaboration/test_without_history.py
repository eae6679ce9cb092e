"""Where no trigger records history (SQLite, `make run`'s default), the pages say so instead of staying silent."""

from django.urls import reverse

from tests import factories as f


def test_timeline_and_feed_say_history_needs_postgresql(world, settings):
    settings.HISTORY_RECORDED = False
    item = f.BacklogItemFactory(product=world.product)
    client = world.client("viewer")

    timeline = client.get(
        reverse("collaboration:timeline", kwargs={"label": "backlog.backlogitem", "target_id": item.pk})
    )
    feed = client.get(reverse("collaboration:activity", kwargs={"workspace_id": world.workspace.pk}))

    assert "recorded on PostgreSQL only" in timeline.content.decode()
    assert "recorded on PostgreSQL only" in feed.content.decode()

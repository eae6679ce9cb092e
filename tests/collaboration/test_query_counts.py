"""Collaboration's lists run a fixed number of queries however many rows they show (20+ rows pinned)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backlog.models import BacklogItem
from backlog.services.items import item_delete
from collaboration.registry import kind_named
from collaboration.services.comments import comment_create
from tests import factories as f

ITEM = "backlog.backlogitem"


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(queries)


def _comments(world, item, n):
    kind = kind_named(ITEM)
    for i in range(n):
        top = comment_create(
            kind=kind,
            target=item,
            body=f"Top {i} @viewer_user",
            author=world.users["admin" if i % 2 else "contributor"],
        )
        comment_create(kind=kind, target=item, body=f"Reply {i}", author=world.users["product_owner"], parent=top)


def _changes(world, n):
    sprint = f.SprintFactory(product=world.product)
    theme = f.ThemeFactory(product=world.product)
    for i in range(n):
        item = f.BacklogItemFactory(product=world.product)
        BacklogItem.objects.filter(pk=item.pk).update(title=f"Renamed {i}", sprint=sprint, status="ready")
        f.InitiativeFactory(product=world.product, theme=theme)


@pytest.mark.usefixtures("postgres")
def test_the_comment_thread_is_a_fixed_number_of_queries(world):
    few, many = f.BacklogItemFactory(product=world.product), f.BacklogItemFactory(product=world.product)
    _comments(world, few, 2)
    _comments(world, many, 12)  # 24 comments
    client = world.client("admin")

    def url(item):
        return reverse("collaboration:comments", kwargs={"label": ITEM, "target_id": item.pk})

    assert _count(client, url(few)) == _count(client, url(many)) <= 12


@pytest.mark.usefixtures("postgres")
def test_the_activity_feed_and_timeline_are_a_fixed_number_of_queries(world, api):
    client = world.client("viewer")
    url = reverse("collaboration:activity", kwargs={"workspace_id": world.workspace.pk})
    _changes(world, 12)  # 12 items created and renamed, 12 initiatives: a full page of 40+ events
    full = _count(client, url)
    _changes(world, 12)

    assert _count(client, url) == full <= 45
    assert _count(api("viewer"), "/api/v1/activity/") <= 45
    item = BacklogItem.objects.filter(product=world.product).last()
    timeline = reverse("collaboration:timeline", kwargs={"label": ITEM, "target_id": item.pk})
    assert _count(client, timeline) <= 15


@pytest.mark.usefixtures("postgres")
def test_the_trash_and_comment_lists_are_a_fixed_number_of_queries(world, api):
    client = world.client("admin")
    url = reverse("collaboration:trash", kwargs={"workspace_id": world.workspace.pk})
    for _ in range(2):
        item_delete(item=f.BacklogItemFactory(product=world.product), actor=world.users["admin"])
    few = _count(client, url)
    api("admin").get("/api/v1/trash/")  # the token's first use records when it was used
    api_few = _count(api("admin"), "/api/v1/trash/")
    comments_item = f.BacklogItemFactory(product=world.product)
    _comments(world, comments_item, 2)
    comments_few = _count(api("admin"), "/api/v1/comments/")
    for _ in range(22):
        item_delete(item=f.BacklogItemFactory(product=world.product), actor=world.users["product_owner"])
    _comments(world, comments_item, 10)

    assert _count(client, url) == few <= 12
    assert _count(api("admin"), "/api/v1/trash/") == api_few
    assert _count(api("admin"), "/api/v1/comments/") == comments_few

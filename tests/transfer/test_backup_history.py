"""A workspace backup keeps its history and its comments: restored, the timelines and threads read the same,
pointing at the restored objects and inside the new workspace only."""

import io

import pghistory
import pytest

from backlog.models import BacklogItem
from backlog.services.items import item_update
from collaboration.models import Comment
from collaboration.registry import kind_named
from collaboration.selectors.comments import comment_thread
from collaboration.selectors.history import activity_page
from collaboration.services.comments import comment_create
from tests import factories as f
from transfer.selectors.backup import workspace_export_lines
from transfer.services.backup import workspace_import
from workspaces.models import Workspace

pytestmark = pytest.mark.usefixtures("postgres")


def _timeline(workspace, item):
    rows, _ = activity_page(workspace_ids=[workspace.pk], target=("backlog.backlogitem", item.pk))
    return [
        (
            r.at,
            r.action,
            r.noun,
            r.title,
            r.user,
            [(c.field, c.before, c.after) for c in r.changes if c.field != "rank"],
        )
        for r in rows
    ]


def _thread(item):
    kind = kind_named("backlog.backlogitem")
    return [
        (c.author.username if c.author else None, c.body, c.created_at) for c in comment_thread(kind=kind, target=item)
    ]


def _edited(world):
    owner, contributor = world.users["product_owner"], world.users["contributor"]
    with pghistory.context(user=owner.pk):
        item = f.BacklogItemFactory(product=world.product, title="Pay by card", status="new")
    with pghistory.context(user=contributor.pk):
        item = item_update(item=item, data={"title": "Pay by saved card", "status": "ready"}, actor=contributor)
        f.CriterionFactory(item=item, text="The card is masked", order=1)
    with pghistory.context(user=owner.pk):
        dropped = f.BacklogItemFactory(product=world.product, title="Dropped idea")
        comment_create(kind=kind_named("backlog.backlogitem"), target=dropped, body="Not now.", author=owner)
        dropped.delete()
    kind = kind_named("backlog.backlogitem")
    first = comment_create(kind=kind, target=item, body="Which cards?", author=owner)
    comment_create(kind=kind, target=item, body="Visa and Mastercard.", author=contributor, parent=first)
    return item


def test_history_and_comments_come_back_with_a_restored_workspace(world):
    item = _edited(world)
    before_timeline, before_thread = _timeline(world.workspace, item), _thread(item)
    assert [(a, n, u) for _, a, n, _, u, _ in before_timeline] == [
        ("changed", "item", "contributor_user"),  # has criteria
        ("changed", "item", "contributor_user"),  # title and status
        ("created", "item", "product_owner_user"),
        ("created", "acceptance criterion", "contributor_user"),
    ]
    lines = list(workspace_export_lines(workspace=world.workspace))

    restored, _ = workspace_import(lines=io.StringIO("".join(lines)), name="Restored")

    copy = BacklogItem.objects.get(product__workspace=restored)
    assert copy.pk != item.pk
    assert _timeline(restored, copy) == before_timeline  # the same entries, at the same times, by the same people
    assert _thread(copy) == before_thread
    # An item deleted before the backup keeps its history, and its comment, under an id no live row has.
    feed, _ = activity_page(workspace_ids=[restored.pk], limit=100)
    dropped = {r.object_id for r in feed if r.title == "Dropped idea"}
    assert [r.action for r in feed if r.title == "Dropped idea"] == ["deleted", "created"]
    assert len(dropped) == 1 and not BacklogItem.objects.filter(pk__in=dropped).exists()
    assert Comment.objects.get(workspace=restored, body="Not now.").target_id in dropped
    replies = Comment.objects.filter(workspace=restored, parent__isnull=False)
    assert [(r.parent.target_id, r.target_id) for r in replies] == [(copy.pk, copy.pk)]
    # The restored events are the new workspace's only: the old one's timeline and feed are unchanged.
    assert _timeline(world.workspace, item) == before_timeline
    feed, _ = activity_page(workspace_ids=[world.workspace.pk], limit=100)
    assert all(r.object_id != copy.pk for r in feed)
    assert Workspace.objects.get(pk=world.workspace.pk).name == world.workspace.name


def test_a_restore_into_an_empty_workspace_keeps_history_there(world):
    item = _edited(world)
    before = _timeline(world.workspace, item)
    lines = list(workspace_export_lines(workspace=world.workspace))
    empty = f.WorkspaceFactory(name="Empty")

    workspace_import(lines=io.StringIO("".join(lines)), into=empty)

    copy = BacklogItem.objects.get(product__workspace=empty)
    assert _timeline(empty, copy) == before
    comments = Comment.objects.filter(workspace=empty).exclude(body="Not now.").order_by("pk")
    assert [(c.body, c.target_id, c.author.username) for c in comments] == [
        ("Which cards?", copy.pk, "product_owner_user"),
        ("Visa and Mastercard.", copy.pk, "contributor_user"),
    ]

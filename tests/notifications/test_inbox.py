"""Watching and the inbox: who is told what, from the domain events the services publish."""

import pytest
from django.core import mail
from django.urls import reverse

from backlog.models import BacklogItem
from backlog.services.items import item_create, item_move, item_update
from notifications.models import Notification, NotificationKind, Watch
from notifications.services.inbox import notifications_record
from okrs.services.objectives import objective_update
from roadmap.services.board import initiative_move
from tests import factories as f

pytestmark = pytest.mark.django_db


def _item(world, actor, **fields):
    return item_create(instance=BacklogItem(product=world.product, title="Checkout", **fields), actor=actor)


def inbox_of(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "title", "summary"))


def test_the_creator_and_the_owner_watch_a_new_item_and_the_owner_is_told(world):
    po, dev = world.users["product_owner"], world.users["contributor"]
    item = _item(world, po, owner=dev)
    assert set(Watch.objects.filter(target_id=item.pk).values_list("user__username", "reason")) == {
        ("product_owner_user", "creator"),
        ("contributor_user", "owner"),
    }
    assert inbox_of(dev) == [("assignment", "Checkout", "assigned to you")]
    assert inbox_of(po) == []  # nobody is told of their own change


def test_watchers_hear_of_a_change_but_not_of_a_reorder(world):
    po, pm = world.users["product_owner"], world.users["product_manager"]
    item = _item(world, po)
    item_update(item=item, data={"title": "Checkout v2"}, actor=pm)
    item_move(item=BacklogItem.objects.get(pk=item.pk), actor=pm, position="top")
    assert inbox_of(po) == [("change", "Checkout v2", "changed: title")]
    row = Notification.objects.get(recipient=po)
    assert row.actor == pm
    assert row.url == reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk})


def test_assigning_an_item_tells_the_new_owner_at_once_by_email(world, django_capture_on_commit_callbacks):
    po, dev = world.users["product_owner"], world.users["contributor"]
    dev.email = "dev@example.com"
    dev.save()
    item = _item(world, po)
    with django_capture_on_commit_callbacks(execute=True):
        item_update(item=item, data={"owner": dev}, actor=po)
    assert inbox_of(dev) == [("assignment", "Checkout", "assigned to you")]
    assert [m.to for m in mail.outbox] == [["dev@example.com"]]
    assert "Checkout" in mail.outbox[0].subject
    assert "/email/unsubscribe/" in mail.outbox[0].body
    assert Notification.objects.get(recipient=dev).emailed_at is not None


def test_an_initiative_moved_between_columns_is_news_to_its_watchers(world):
    pm = world.users["product_manager"]
    initiative = f.InitiativeFactory(product=world.product, title="Wallets", horizon="next")
    Watch.objects.create(
        workspace=world.workspace, user=world.users["executive"], target_type="initiative", target_id=initiative.pk
    )
    initiative_move(initiative=initiative, actor=pm, horizon="now", position="top")
    assert inbox_of(world.users["executive"]) == [("change", "Wallets", "moved")]


def test_objective_owner_change_is_an_assignment(world):
    objective = f.ObjectiveFactory(workspace=world.workspace, title="Grow")
    exec_ = world.users["executive"]
    objective_update(objective=objective, data={"owner": exec_}, actor=world.users["admin"])
    assert inbox_of(exec_) == [("assignment", "Grow", "assigned to you")]


def test_a_mention_in_a_comment_subscribes_and_tells_the_mentioned(world):
    """Fed with collaboration's comment.created event, in the payload its events.py documents."""
    item = _item(world, world.users["product_owner"])
    viewer = world.users["viewer"]
    comment_url = f"/products/{world.product.pk}/items/{item.pk}/#comment-7"
    notifications_record(
        event="comment.created",
        workspace_id=world.workspace.pk,
        data={
            "id": 7,
            "target": {"type": "backlog.backlogitem", "id": item.pk, "title": "PAY-1 Checkout", "url": "/x/"},
            "parent": None,
            "author": world.users["contributor"].pk,
            "mentions": [viewer.pk, world.outsider.pk],
            "url": comment_url,
        },
    )
    assert inbox_of(viewer) == [("mention", "PAY-1 Checkout", "mentioned you in a comment")]
    assert Notification.objects.get(recipient=viewer).url == comment_url
    assert Watch.objects.filter(user=viewer, target_id=item.pk, reason="mention").exists()
    assert Watch.objects.filter(user=world.users["contributor"], target_id=item.pk).exists()
    assert inbox_of(world.outsider) == []  # not a member of the item's workspace: mentioning them tells nothing
    assert inbox_of(world.users["product_owner"]) == [("comment", "PAY-1 Checkout", "commented")]


def test_a_mention_on_an_object_one_cannot_watch_still_tells_the_mentioned(world):
    case = f.BusinessCaseFactory(product=world.product)
    notifications_record(
        event="comment.updated",
        workspace_id=world.workspace.pk,
        data={
            "id": 8,
            "target": {"type": "products.businesscase", "id": case.pk, "title": "Case", "url": "/c/"},
            "author": world.users["admin"].pk,
            "mentions": [world.users["executive"].pk],
            "url": "/c/#comment-8",
            "changed": ["body"],
        },
    )
    assert inbox_of(world.users["executive"]) == [("mention", "Case", "mentioned you in a comment")]
    assert not Watch.objects.exists()


def test_notifications_of_another_workspace_never_reach_a_member_of_this_one(world):
    other_item = _item(world, world.users["admin"])
    other_item_b = item_create(
        instance=BacklogItem(product=world.other_product, title="Rival thing"), actor=world.outsider
    )
    # A watch written for a user of workspace A on an object of workspace B (it cannot be made through the
    # services; here by hand) still tells them nothing: only members of the object's workspace are told.
    Watch.objects.create(
        workspace=world.other_workspace, user=world.users["viewer"], target_type="item", target_id=other_item_b.pk
    )
    item_update(item=other_item_b, data={"title": "Rival 2"}, actor=world.outsider)
    assert inbox_of(world.users["viewer"]) == []
    assert other_item.pk != other_item_b.pk


def test_a_removed_member_stops_seeing_the_workspace_notifications(world, client):
    po, viewer = world.users["product_owner"], world.users["viewer"]
    item = _item(world, po)
    Watch.objects.create(workspace=world.workspace, user=viewer, target_type="item", target_id=item.pk)
    item_update(item=item, data={"title": "Changed"}, actor=po)
    client.force_login(viewer)
    assert "Changed" in client.get(reverse("notifications:inbox")).content.decode()
    viewer.memberships.all().delete()
    assert "Changed" not in client.get(reverse("notifications:inbox")).content.decode()


def test_kinds_are_the_documented_ones():
    assert {k.value for k in NotificationKind} == {"mention", "assignment", "comment", "change"}

"""Inbox, watch button, preferences, live polling and presence: every role, and another workspace."""

import pytest
from django.urls import reverse

from backlog.models import BacklogItem
from backlog.services.items import item_create, item_update
from notifications.models import Notification, Watch
from tests import factories as f
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world):
    return item_create(instance=BacklogItem(product=world.product, title="Checkout"), actor=world.users["admin"])


@pytest.mark.parametrize("role", ROLES)
def test_every_member_may_watch_what_they_can_see(world, item, role):
    client = world.client(role)
    url = reverse("notifications:watch", kwargs={"target_type": "item", "target_id": item.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"watching": "1"})
    assert response.status_code == 200 and b"Watching" in response.content
    assert Watch.objects.filter(user=world.users[role], target_id=item.pk).exists()
    client.post(url, {"watching": "0"})
    assert not Watch.objects.filter(user=world.users[role], target_id=item.pk).exists() or role == "admin"


def test_watching_another_workspaces_object_is_not_found(world, item):
    client = world.client("outsider")
    for target_type, target_id in [
        ("item", item.pk),
        ("initiative", f.InitiativeFactory(product=world.product).pk),
        ("objective", f.ObjectiveFactory(workspace=world.workspace).pk),
        ("key_result", f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace)).pk),
        ("sprint", 1),
    ]:
        url = reverse("notifications:watch", kwargs={"target_type": target_type, "target_id": target_id})
        assert client.post(url, {"watching": "1"}).status_code == 404
    assert not Watch.objects.filter(user=world.outsider).exists()


def test_anonymous_is_sent_to_sign_in(client, world, item):
    for name, kwargs in [
        ("inbox", {}),
        ("bell", {}),
        ("preferences", {}),
        ("watch", {"target_type": "item", "target_id": item.pk}),
        ("product_updates", {"product_id": world.product.pk}),
        ("live_poll", {"workspace_id": world.workspace.pk}),
    ]:
        response = client.get(reverse(f"notifications:{name}", kwargs=kwargs))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_inbox_lists_changes_with_links_and_the_badge_counts_unread(world, item):
    admin, viewer = world.users["admin"], world.users["viewer"]
    Watch.objects.create(workspace=world.workspace, user=viewer, target_type="item", target_id=item.pk)
    item_update(item=item, data={"title": "Checkout v2"}, actor=admin)
    client = world.client("viewer")
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "admin_user" in page and "Checkout v2" in page
    badge = client.get(reverse("notifications:bell")).content.decode()
    assert 'aria-label="1 unread"' in badge
    notification = Notification.objects.get(recipient=viewer)
    response = client.post(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response["Location"] == reverse(
        "backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk}
    )
    assert "0 unread" in client.get(reverse("notifications:bell")).content.decode()


def test_mark_all_read_and_nobody_opens_another_users_notification(world, item):
    viewer = world.users["viewer"]
    Watch.objects.create(workspace=world.workspace, user=viewer, target_type="item", target_id=item.pk)
    for title in ("B", "C"):
        item = item_update(item=BacklogItem.objects.get(pk=item.pk), data={"title": title}, actor=world.users["admin"])
    notification = Notification.objects.filter(recipient=viewer).first()
    assert (
        world.client("executive").post(reverse("notifications:open", kwargs={"pk": notification.pk})).status_code == 404
    )
    world.client("viewer").post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=viewer, read_at__isnull=True).exists()


def test_preferences_are_saved(world):
    client = world.client("executive")
    assert client.post(reverse("notifications:preferences"), {"digest": "on"}).status_code == 302
    preference = world.users["executive"].email_preference
    assert (preference.immediate, preference.digest) == (False, True)


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_live_polling_is_for_members_of_the_workspace(world, role):
    url = reverse("notifications:live_poll", kwargs={"workspace_id": world.workspace.pk})
    response = world.client(role).get(url)
    assert response.status_code == (404 if role == "outsider" else 200)


def test_polling_returns_what_changed_since_and_304_when_nothing_did(world, django_capture_on_commit_callbacks):
    client = world.client("viewer")
    url = reverse("notifications:live_poll", kwargs={"workspace_id": world.workspace.pk})
    start = client.get(url).json()
    with django_capture_on_commit_callbacks(execute=True):
        item = item_create(instance=BacklogItem(product=world.product, title="Live"), actor=world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):  # another workspace's change: never in our poll
        item_create(instance=BacklogItem(product=world.other_product, title="Rival"), actor=world.outsider)
    body = client.get(url, {"after": start["last"] or "0"}).json()
    assert [(e["event"], e["id"], e["actor_name"]) for e in body["events"]] == [("item.created", item.pk, "admin_user")]
    again = client.get(url, {"after": body["last"]}, HTTP_IF_NONE_MATCH=f'"{body["last"]}"')
    assert again.status_code == 304


def test_presence_shows_who_else_is_on_the_page(world):
    url = reverse("notifications:live_presence", kwargs={"workspace_id": world.workspace.pk})
    scope = f"backlog:{world.product.pk}"
    assert world.client("viewer").post(url, {"scope": scope}).json() == {"others": []}
    assert world.client("admin").post(url, {"scope": scope}).json() == {"others": ["viewer_user"]}
    assert world.client("admin").post(url, {"scope": "../etc"}).status_code == 400
    assert world.client("outsider").post(url, {"scope": scope}).status_code == 404


def test_the_backlog_page_opts_into_live_updates_by_polling_under_wsgi(world, item):
    page = world.client("viewer").get(reverse("backlog:item_list", kwargs={"product_id": world.product.pk}))
    html = page.content.decode()
    assert 'data-live-stream=""' in html  # no SSE under WSGI: live.js polls
    assert reverse("notifications:live_poll", kwargs={"workspace_id": world.workspace.pk}) in html


def test_a_write_stands_when_the_live_store_is_down(world, settings, django_capture_on_commit_callbacks, caplog):
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with django_capture_on_commit_callbacks(execute=True):
        item = item_create(instance=BacklogItem(product=world.product, title="Still saved"), actor=world.users["admin"])
    assert BacklogItem.objects.filter(pk=item.pk, title="Still saved").exists()
    assert "live messages dropped" in caplog.text


def test_the_inbox_page_queries_do_not_grow_with_rows(world, item, django_assert_max_num_queries):
    viewer = world.users["viewer"]
    Watch.objects.create(workspace=world.workspace, user=viewer, target_type="item", target_id=item.pk)
    for n in range(25):
        current = BacklogItem.objects.get(pk=item.pk)
        item = item_update(item=current, data={"title": f"T{n}"}, actor=world.users["admin"])
    client = world.client("viewer")
    client.get(reverse("notifications:inbox"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notifications:inbox"))
    assert page.content.decode().count('class="inbox-row') == 25


@pytest.mark.parametrize("role", ROLES)
def test_every_member_may_subscribe_to_the_weekly_update(world, role):
    user = world.users[role]
    user.email = f"{role}@example.com"
    user.save()
    url = reverse("notifications:product_updates", kwargs={"product_id": world.product.pk})
    client = world.client(role)
    assert client.get(url).status_code == 200
    assert client.post(url, {"subscribe": "1"}).status_code == 302
    assert "You get the weekly update" in client.get(url).content.decode()


def test_live_updates_leave_out_what_a_rolled_back_savepoint_announced(world, settings, transactional_db):
    """Messages go out once, after the commit, without those of a savepoint that rolled back, however
    many a transaction gathers (the hook is found where it stood, or looked for again after a rollback)."""
    from django.db import transaction

    from notifications.live_store import live_store
    from notifications.services.live import live_add

    settings.LIVE_REDIS_URL = ""  # the cache store: read back what was sent
    ws = world.workspace.pk
    _, last, _ = live_store().read_after(ws, None)
    with transaction.atomic():
        for n in range(150):
            live_add(workspace_id=ws, message={"event": "item.updated", "id": n})
        try:
            with transaction.atomic():
                live_add(workspace_id=ws, message={"event": "item.updated", "id": -1})
                raise RuntimeError("undo this part")
        except RuntimeError:
            pass
        live_add(workspace_id=ws, message={"event": "item.updated", "id": 150})
        assert live_store().read_after(ws, last)[0] == []  # nothing before the commit
    sent = [message["id"] for _, message in live_store().read_after(ws, last)[0]]
    assert sent == list(range(151))

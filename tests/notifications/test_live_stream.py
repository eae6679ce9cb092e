"""Server-Sent Events from a real uvicorn process with Redis pub/sub: delivery, catch-up, isolation."""

import pytest
import redis

from backlog.models import BacklogItem
from backlog.services.items import item_create, item_update
from notifications.live_store import stream_key

from .sse import EventStream, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(asgi_base, live_settings, world):
    client = redis.Redis.from_url(live_settings.LIVE_REDIS_URL)
    keys = [stream_key(world.workspace.pk), stream_key(world.other_workspace.pk)]
    client.delete(*keys)
    yield asgi_base
    client.delete(*keys)


def stream_path(workspace) -> str:
    return f"/live/workspaces/{workspace.pk}/stream/"


def ready(stream: EventStream) -> None:
    event = stream.next_event(timeout=10)
    assert event is not None and event["event"] == "ready", event


def test_a_change_reaches_members_of_its_workspace_and_nobody_else(server, world):
    po = world.users["product_owner"]
    ours = EventStream(server, stream_path(world.workspace), session_cookie(world.users["viewer"]))
    theirs = EventStream(server, stream_path(world.other_workspace), session_cookie(world.outsider))
    assert ours.status == theirs.status == 200
    ready(ours)
    ready(theirs)

    item = item_create(instance=BacklogItem(product=world.product, title="Checkout"), actor=po)
    item_update(item=item, data={"title": "Checkout v2"}, actor=po)

    got = ours.changes(timeout=5, count=2)
    assert [(e["data"]["event"], e["data"]["id"]) for e in got] == [
        ("item.created", item.pk),
        ("item.updated", item.pk),
    ]
    assert got[1]["data"]["actor_name"] == "product_owner_user"
    assert got[1]["data"]["changed"] == ["title"]
    assert theirs.changes(timeout=1) == []  # the other workspace's member hears nothing of ours

    rival = item_create(instance=BacklogItem(product=world.other_product, title="Rival"), actor=world.outsider)
    assert [e["data"]["id"] for e in theirs.changes(timeout=5, count=1)] == [rival.pk]
    assert ours.changes(timeout=1) == []
    ours.close()
    theirs.close()


def test_a_stream_of_another_workspace_is_refused(server, world):
    assert EventStream(server, stream_path(world.workspace), session_cookie(world.outsider)).status == 404
    assert EventStream(server, stream_path(world.workspace), None).status == 401


def test_reconnecting_with_last_event_id_gets_what_was_missed_once(server, world):
    po = world.users["product_owner"]
    first = EventStream(server, stream_path(world.workspace), session_cookie(po))
    ready(first)
    item = item_create(instance=BacklogItem(product=world.product, title="A"), actor=po)
    seen = first.changes(timeout=5, count=1)
    first.close()
    last_id = seen[-1]["id"]

    item_update(item=item, data={"title": "B"}, actor=po)
    item_update(item=BacklogItem.objects.get(pk=item.pk), data={"title": "C"}, actor=po)

    again = EventStream(server, stream_path(world.workspace), session_cookie(po), last_event_id=last_id)
    caught = again.changes(timeout=5, count=2)
    assert again.changes(timeout=0.5) == []  # nothing twice
    assert [e["data"]["title"] for e in caught] == ["B", "C"]
    again.close()


def test_a_gap_larger_than_the_stream_asks_for_a_resync(server, world):
    po = world.users["product_owner"]
    item_create(instance=BacklogItem(product=world.product, title="A"), actor=po)
    stream = EventStream(server, stream_path(world.workspace), session_cookie(po), last_event_id="1-0")
    assert stream.next_event(timeout=5)["event"] == "resync"
    stream.close()


def test_a_member_removed_while_connected_stops_receiving(server, world):
    viewer = world.users["viewer"]
    stream = EventStream(server, stream_path(world.workspace), session_cookie(viewer))
    ready(stream)
    viewer.memberships.all().delete()
    event = stream.next_event(timeout=5)  # the membership is checked again at each heartbeat (1 s here)
    assert event is not None and event["event"] == "denied"
    item_create(instance=BacklogItem(product=world.product, title="Secret"), actor=world.users["admin"])
    assert stream.changes(timeout=1.5) == []

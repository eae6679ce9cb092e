"""Live updates, the delivering side: Server-Sent Events from an ASGI server (uvicorn) fed by Redis pub/sub.

One hub per server process holds one Redis connection subscribed to every workspace's channel and
hands each message to the queues of the connections of that workspace; a connection never sees
another workspace's messages (the queue is chosen by the workspace id the channel names, and the
connection was admitted to that workspace only). A reconnecting client sends Last-Event-ID and
first gets what it missed from the workspace's stream, or a "resync" event when the gap is larger
than the stream keeps.
"""

import asyncio
import contextlib
import json
import logging

import redis.asyncio as aioredis

from .live_store import CHANNEL_PREFIX, READ_MAX, stream_id_tuple, stream_key

log = logging.getLogger(__name__)

QUEUE_MAX = 1000


class Subscription:
    def __init__(self, workspace_id: int):
        self.workspace_id = workspace_id
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_MAX)
        self.overflowed = False

    def put(self, item: tuple[str, str]) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflowed = True  # the client is too slow: it is told to resync


class Hub:
    """Per process and event loop: one pub/sub connection, fanned out to the connections in memory."""

    def __init__(self, url: str):
        self.url = url
        self.client = aioredis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=2)
        self.subscribers: dict[int, set[Subscription]] = {}
        self.task: asyncio.Task | None = None
        self.ready = asyncio.Event()

    def add(self, workspace_id: int) -> Subscription:
        subscription = Subscription(workspace_id)
        self.subscribers.setdefault(workspace_id, set()).add(subscription)
        if self.task is None or self.task.done():
            self.ready.clear()
            self.task = asyncio.get_running_loop().create_task(self._listen())
        return subscription

    def remove(self, subscription: Subscription) -> None:
        group = self.subscribers.get(subscription.workspace_id)
        if group is not None:
            group.discard(subscription)
            if not group:
                self.subscribers.pop(subscription.workspace_id, None)

    async def _listen(self) -> None:
        while True:
            try:
                pubsub = self.client.pubsub(ignore_subscribe_messages=True)
                await pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
                self.ready.set()
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    self._dispatch(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - Redis went away: every client resyncs, the hub reconnects
                log.warning("Live hub lost Redis; reconnecting", exc_info=True)
                self.ready.clear()
                for group in self.subscribers.values():
                    for subscription in group:
                        subscription.overflowed = True
                await asyncio.sleep(1)

    def _dispatch(self, channel: str, data: str) -> None:
        try:
            workspace_id = int(channel[len(CHANNEL_PREFIX) :])
        except ValueError:
            return
        entry_id, _, payload = data.partition(" ")
        for subscription in list(self.subscribers.get(workspace_id, ())):
            subscription.put((entry_id, payload))

    async def catch_up(self, workspace_id: int, after: str) -> tuple[list[tuple[str, str]], bool]:
        """What the stream holds after `after` (exclusive), and whether the client missed more than that."""
        key = stream_key(workspace_id)
        first = await self.client.xrange(key, count=1)
        if not first:
            return [], True
        if stream_id_tuple(after) < stream_id_tuple(first[0][0]):
            return [], True
        entries = await self.client.xrange(key, min=f"({after}", count=READ_MAX)
        return [(entry_id, fields["m"]) for entry_id, fields in entries], len(entries) >= READ_MAX


_hubs: dict[tuple[int, str], Hub] = {}


def hub_for(url: str) -> Hub:
    loop = asyncio.get_running_loop()
    key = (id(loop), url)
    if key not in _hubs:
        _hubs[key] = Hub(url)
    return _hubs[key]


def sse(event: str, data: str, entry_id: str | None = None) -> str:
    lines = [f"id: {entry_id}"] if entry_id else []
    lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in data.splitlines() or [""])
    return "\n".join(lines) + "\n\n"


async def event_stream(*, hub: Hub, workspace_id: int, last_id: str | None, still_allowed, heartbeat: float):
    """The SSE body for one connection: catch-up (or resync), then live messages, with heartbeats.

    `still_allowed` is an async callable checked at each heartbeat: a member removed from the
    workspace stops receiving within one heartbeat.
    """
    subscription = hub.add(workspace_id)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(hub.ready.wait(), timeout=3)
        yield "retry: 2000\n\n"
        sent = stream_id_tuple(last_id) if last_id else (0, 0)
        if last_id:
            missed, resync = await hub.catch_up(workspace_id, last_id)
            if resync:
                yield sse("resync", json.dumps({"reason": "missed"}))
            for entry_id, payload in missed:
                sent = max(sent, stream_id_tuple(entry_id))
                yield sse("change", payload, entry_id)
        yield sse("ready", json.dumps({"workspace": workspace_id}))
        while True:
            try:
                entry_id, payload = await asyncio.wait_for(subscription.queue.get(), timeout=heartbeat)
            except TimeoutError:
                if not await still_allowed():
                    yield sse("denied", json.dumps({"reason": "no longer a member"}))
                    return
                if subscription.overflowed:  # Redis went away meanwhile: whatever was missed, re-render
                    subscription.overflowed = False
                    yield sse("resync", json.dumps({"reason": "reconnected"}))
                yield ": ping\n\n"
                continue
            if subscription.overflowed:
                subscription.overflowed = False
                yield sse("resync", json.dumps({"reason": "overflow"}))
            if stream_id_tuple(entry_id) <= sent:
                continue  # already sent during the catch-up
            sent = stream_id_tuple(entry_id)
            yield sse("change", payload, entry_id)
    finally:
        hub.remove(subscription)

"""Live updates: SSE fan-out from a change to 200 connected clients, next to bare Redis pub/sub.

Starts uvicorn (one process) on a free port against a throw-away database, opens CLIENTS Server-Sent
Events connections to one workspace's stream, then makes ROUNDS real changes (item_update through
the service: write, commit, publish after commit) and measures, for every client, the time from the
start of the write to the arrival of its event. The baseline, in the same run: a bare Redis pub/sub
round trip from one PUBLISH to CLIENTS subscribers (redis.asyncio), the floor any design on Redis has.

Run: `python -m bench live` (PostgreSQL and Redis: DATABASE_URL, and LIVE_REDIS_URL or CELERY_BROKER_URL).
Only this benchmark's keys (its workspace's stream, its own channel) are touched in Redis.
"""

import asyncio
import os
import statistics
import time
import warnings

CLIENTS, ROUNDS = 200, 20


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


async def _sse_client(port: int, path: str, cookie: str, arrivals: dict, ready: asyncio.Event, counter: list):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n".encode()
    )
    await writer.drain()
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            text = line.decode(errors="replace")
            if text.startswith("event: ready"):
                counter[0] += 1
                if counter[0] == CLIENTS:
                    ready.set()
            elif text.startswith("data: ") and '"bench-' in text:
                marker = text.split('"title":"', 1)[1].split('"', 1)[0]
                arrivals.setdefault(marker, []).append(time.perf_counter())
    finally:
        writer.close()


async def _sse_fanout(base: str, workspace_id: int, cookie: str, change) -> tuple[list, list, list]:
    port = int(base.rsplit(":", 1)[1])
    arrivals: dict[str, list[float]] = {}
    ready, counter = asyncio.Event(), [0]
    path = f"/live/workspaces/{workspace_id}/stream/"
    tasks = [asyncio.create_task(_sse_client(port, path, cookie, arrivals, ready, counter)) for _ in range(CLIENTS)]
    try:
        await asyncio.wait_for(ready.wait(), timeout=120)
    except TimeoutError:
        failed = [t.exception() for t in tasks if t.done() and t.exception()]
        raise RuntimeError(f"{counter[0]} of {CLIENTS} streams ready; errors: {failed[:3]}") from None
    each, last, writes = [], [], []
    for n in range(ROUNDS):
        marker = f"bench-{n}"
        began = time.perf_counter()
        await asyncio.to_thread(change, marker)
        writes.append((time.perf_counter() - began) * 1000)
        deadline = time.monotonic() + 10
        while len(arrivals.get(marker, [])) < CLIENTS and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        times = [(t - began) * 1000 for t in arrivals.get(marker, [])]
        if len(times) < CLIENTS:
            print(f"  round {n}: only {len(times)} of {CLIENTS} clients got the change within 10 s")
        each.extend(times)
        if times:
            last.append(max(times))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return each, last, writes


async def _redis_fanout(url: str) -> tuple[list[float], list[float]]:
    import redis.asyncio as aioredis

    channel = f"pmhub:bench:live:{os.getpid()}"
    clients = [aioredis.Redis.from_url(url) for _ in range(CLIENTS)]
    pubsubs = [c.pubsub(ignore_subscribe_messages=True) for c in clients]
    for pubsub in pubsubs:
        await pubsub.subscribe(channel)
    publisher = aioredis.Redis.from_url(url)
    arrivals: dict[str, list[float]] = {}

    async def listen(pubsub):
        async for message in pubsub.listen():
            arrivals.setdefault(message["data"].decode(), []).append(time.perf_counter())

    tasks = [asyncio.create_task(listen(p)) for p in pubsubs]
    await asyncio.sleep(0.2)
    each, last = [], []
    for n in range(ROUNDS):
        marker = f"bench-{n}"
        began = time.perf_counter()
        await publisher.execute_command("PUBLISH", channel, marker)  # a bare Redis PUBLISH, the baseline
        deadline = time.monotonic() + 10
        while len(arrivals.get(marker, [])) < CLIENTS and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        times = [(t - began) * 1000 for t in arrivals.get(marker, [])]
        each.extend(times)
        last.append(max(times))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for pubsub, client in zip(pubsubs, clients, strict=True):
        await pubsub.aclose()
        await client.aclose()
    await publisher.aclose()
    return each, last


def main() -> None:
    import redis
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from backlog.models import BacklogItem
    from backlog.services.items import item_update
    from notifications.live_store import stream_key
    from tests import factories as f
    from tests.asgi_server import uvicorn_server

    url = os.environ.get("LIVE_REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://") or connection.vendor != "postgresql":
        print("bench live: needs PostgreSQL (DATABASE_URL) and Redis (LIVE_REDIS_URL or CELERY_BROKER_URL); skipped")
        return
    setup_test_environment(debug=False)
    warnings.filterwarnings("ignore", message="No directory at")
    settings.LIVE_REDIS_URL = url
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    workspace_id = None
    try:
        workspace = f.WorkspaceFactory(name="Bench live")
        workspace_id = workspace.pk
        user = f.UserFactory(username="bench_live")
        f.MembershipFactory(workspace=workspace, user=user, role="admin")
        product = f.ProductFactory(workspace=workspace, name="Bench", key="BLV")
        item = f.BacklogItemFactory(product=product, title="start")
        client = Client()
        client.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

        def change(marker: str) -> None:
            item_update(item=BacklogItem.objects.get(pk=item.pk), data={"title": marker}, actor=user)
            connection.close()  # the worker thread's connection; the next change opens its own

        base_each, base_last = asyncio.run(_redis_fanout(url))
        with uvicorn_server(live_redis_url=url, extra_env={"LIVE_HEARTBEAT_SECONDS": "15"}) as base:
            sse_each, sse_last, writes = asyncio.run(_sse_fanout(base, workspace.pk, cookie, change))
        print(f"{CLIENTS} clients, {ROUNDS} changes; milliseconds from the change to its delivery")
        print(f"{'':48} {'median':>8} {'p95':>8} {'all 200: median':>16} {'p95':>8}")
        for label, each, last in [
            ("baseline: bare Redis PUBLISH → 200 subscribers", base_each, base_last),
            ("SSE: item_update → commit → Redis → uvicorn → 200", sse_each, sse_last),
        ]:
            median, p95 = _stats(each)
            last_median, last_p95 = _stats(last)
            print(f"{label:48} {median:8.1f} {p95:8.1f} {last_median:16.1f} {last_p95:8.1f}")
        median, p95 = _stats(writes)
        print(f"{'  of which the write itself (service, commit)':48} {median:8.1f} {p95:8.1f}")
    finally:
        if workspace_id is not None:
            redis.Redis.from_url(url).delete(stream_key(workspace_id))
        connection.creation.destroy_test_db(old_name, verbosity=0)

"""Where live-update messages go after a write commits, and where pages catch up from.

Two stores, one shape. Ids are opaque strings to the client; a page sends back the last one it saw.
- Redis (LIVE_REDIS_URL set): one short stream per workspace (XADD, trimmed to LIVE_STREAM_LENGTH,
  expiring after a day) and, in the same script, a PUBLISH on the workspace's channel with the
  stream id, so an SSE connection that reconnects with Last-Event-ID reads what it missed from the
  stream, and a gap larger than the stream is answered with "resync".
- The Django cache (no Redis: `make run`): a counter and one key per message, read by polling.

Live updates are lossy by design: a store that is down loses the message (logged); the write that
caused it stands, and pages still show the truth on their next refresh or resync.
"""

import json
import logging
from functools import cache as memoize

import redis
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "pmhub:live:ws:"
STREAM_TTL_SECONDS = 24 * 3600
CACHE_TTL_SECONDS = 600
READ_MAX = 200

_PUBLISH = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'm', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', KEYS[2], id .. ' ' .. ARGV[1])
return id
"""


def channel(workspace_id: int) -> str:
    return f"{CHANNEL_PREFIX}{workspace_id}"


def stream_key(workspace_id: int) -> str:
    return f"pmhub:live:stream:{workspace_id}"


def stream_id_tuple(value: str) -> tuple[int, int]:
    """A Redis stream id ("1700000000000-3") as a comparable pair; (0, 0) when it is not one."""
    ms, _, seq = str(value).partition("-")
    try:
        return int(ms), int(seq or 0)
    except ValueError:
        return 0, 0


class RedisStore:
    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1, decode_responses=True)
        self.script = self.client.register_script(_PUBLISH)

    def push(self, messages: list[tuple[int, dict]]) -> list[str]:
        pipe = self.client.pipeline(transaction=False)
        for workspace_id, message in messages:
            self.script(
                keys=[stream_key(workspace_id), channel(workspace_id)],
                args=[json.dumps(message, separators=(",", ":")), settings.LIVE_STREAM_LENGTH, STREAM_TTL_SECONDS],
                client=pipe,
            )
        return pipe.execute()

    def read_after(self, workspace_id: int, after: str | None) -> tuple[list[tuple[str, dict]], str | None, bool]:
        """(messages after `after`, the last id, whether the client must resync because it missed some)."""
        key = stream_key(workspace_id)
        last = self.client.xrevrange(key, count=1)
        last_id = last[0][0] if last else "0-0"  # nothing yet: the client starts from the very beginning
        if not after:
            return [], last_id, False
        first = self.client.xrange(key, count=1)
        if not first:
            return [], last_id if after == "0-0" else after, False
        if stream_id_tuple(after) < stream_id_tuple(first[0][0]) and stream_id_tuple(after) != (0, 0):
            return [], last_id, True
        entries = self.client.xrange(key, min=f"({after}", count=READ_MAX)
        return [(entry_id, json.loads(fields["m"])) for entry_id, fields in entries], last_id or after, False


class CacheStore:
    """Polling fallback on the Django cache: `live:<ws>:n` counts, `live:<ws>:<n>` holds message n."""

    def push(self, messages: list[tuple[int, dict]]) -> list[str]:
        ids = []
        for workspace_id, message in messages:
            counter = f"live:{workspace_id}:n"
            cache.add(counter, 0, timeout=None)
            number = cache.incr(counter)
            cache.set(f"live:{workspace_id}:{number}", message, timeout=CACHE_TTL_SECONDS)
            ids.append(str(number))
        return ids

    def read_after(self, workspace_id: int, after: str | None) -> tuple[list[tuple[str, dict]], str | None, bool]:
        last = cache.get(f"live:{workspace_id}:n") or 0
        last_id = str(last)  # "0": nothing yet, the client starts from the very beginning
        if not after:
            return [], last_id, False
        try:
            start = int(after)
        except ValueError:
            return [], last_id, True
        if start >= last:
            return [], last_id, start > last  # a counter that went back (cache cleared): resync
        if last - start > READ_MAX:
            return [], last_id, True
        keys = [f"live:{workspace_id}:{n}" for n in range(start + 1, last + 1)]
        found = cache.get_many(keys)
        if len(found) < len(keys):
            return [], last_id, True
        return [(key.rsplit(":", 1)[1], found[key]) for key in keys], last_id, False


@memoize
def _redis_store(url: str) -> RedisStore:
    return RedisStore(url)


def live_store() -> RedisStore | CacheStore:
    url = settings.LIVE_REDIS_URL
    return _redis_store(url) if url else CacheStore()

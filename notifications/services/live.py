"""Live updates, the publishing side: what a write announced goes to the workspace's live stream after commit.

`live_record` is a core.events subscriber. It writes nothing in the transaction: it collects the
transaction's messages and registers one after-commit hook that sends them together (one round
trip to Redis for a bulk update of a hundred items). A rolled-back write sends nothing. The hook is
robust: a store that is down loses the messages (live updates are lossy, see live_store), never
the write.
"""

import logging
import threading

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction

from ..live_store import live_store

log = logging.getLogger(__name__)

# What a page needs to decide whether to refresh, and to say who did it; nothing more leaves the server.
FORWARDED = ("id", "ids", "product", "version", "changed", "horizon", "status", "title", "objective", "sprint")
_local = threading.local()


class _Batch:
    """The messages of one transaction (or savepoint: a savepoint rolled back drops its hook, and so
    its messages, with it), sent by one after-commit hook."""

    def __init__(self, key: tuple = ()):
        self.key = key  # the savepoints open when it was made
        self.messages: list[tuple[int, dict]] = []
        self.hook_at: int | None = None  # where its hook stood in connection.run_on_commit when last seen

    def flush(self) -> None:
        messages, self.messages = self.messages, []
        batches = getattr(_local, "batches", {})
        if batches.get(self.key) is self:
            del batches[self.key]
        if not messages:
            return
        names = actor_names({m.get("actor") for _, m in messages if m.get("actor")})
        for _, message in messages:
            if message.get("actor"):
                message["actor_name"] = names.get(message["actor"], "")
        try:
            live_store().push(messages)
        except Exception:  # noqa: BLE001 - any store failure: the update is lost, the committed write stands
            log.warning("Live update store unavailable; %d live messages dropped", len(messages), exc_info=True)


NAME_KEY = "pmhub:live:username:{}"
NAME_TTL = 3600


def actor_names(user_ids: set) -> dict:
    """Usernames by id for live messages, from the cache (one lookup for the many writes of one person;
    `forget_actor_name` drops a name when its user is saved), the database for the others."""
    if not user_ids:
        return {}
    keys = {user_id: NAME_KEY.format(user_id) for user_id in user_ids}
    cached = cache.get_many(keys.values())
    names = {user_id: cached[key] for user_id, key in keys.items() if key in cached}
    missing = user_ids - names.keys()
    if missing:
        found = dict(get_user_model().objects.filter(pk__in=missing).values_list("pk", "username"))
        cache.set_many({keys[user_id]: name for user_id, name in found.items()}, timeout=NAME_TTL)
        names.update(found)
    return names


def forget_actor_name(*, instance, **_) -> None:
    """post_save / post_delete of a user (notifications.apps): a renamed person is named anew."""
    cache.delete(NAME_KEY.format(instance.pk))


def _current_batch() -> _Batch:
    """The batch of this transaction and savepoint: a new one when the last one was flushed or rolled back."""
    key = tuple(connection.savepoint_ids)
    batches = getattr(_local, "batches", None)
    if batches is None:
        batches = _local.batches = {}
    batch = batches.get(key)
    if batch is None or not _hook_pending(batch):
        for stale in [k for k, b in batches.items() if not _hook_pending(b)]:  # rolled back
            del batches[stale]
        batch = batches[key] = _Batch(key)
        transaction.on_commit(batch.flush, robust=True)
        batch.hook_at = len(connection.run_on_commit) - 1
    return batch


def _hook_pending(batch: _Batch) -> bool:
    """Whether the batch's after-commit hook still waits. Where it was last seen first (a transaction
    that announces 50,000 events asks 50,000 times), then the whole list: a savepoint rolled back
    rebuilds it, and a commit or a rollback empties it."""
    hooks = connection.run_on_commit
    at = batch.hook_at
    if at is not None and at < len(hooks) and getattr(hooks[at][1], "__self__", None) is batch:
        return True
    for at, (_, hook, *_) in enumerate(hooks):
        if getattr(hook, "__self__", None) is batch:
            batch.hook_at = at
            return True
    return False


def live_add(*, workspace_id: int, message: dict) -> None:
    if connection.in_atomic_block:
        _current_batch().messages.append((workspace_id, message))
    else:
        batch = _Batch()
        batch.messages.append((workspace_id, message))
        batch.flush()


def live_record(*, event: str, workspace_id: int, data: dict) -> None:
    """core.events subscriber: forward the event (its identifying fields) to the workspace's live stream."""
    message = {"event": event, **{k: data[k] for k in FORWARDED if k in data}}
    if isinstance(data.get("actor"), int):
        message["actor"] = data["actor"]
    live_add(workspace_id=workspace_id, message=message)


def live_inbox_touched(*, workspace_id: int, user_ids) -> None:
    """Tell these users' open pages that their unread count changed."""
    ids = sorted({int(u) for u in user_ids})
    if ids:
        live_add(workspace_id=workspace_id, message={"event": "inbox", "users": ids})

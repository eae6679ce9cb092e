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
from django.db import connection, transaction

from ..live_store import live_store

log = logging.getLogger(__name__)

# What a page needs to decide whether to refresh, and to say who did it; nothing more leaves the server.
FORWARDED = ("id", "ids", "product", "version", "changed", "horizon", "status", "title", "objective", "sprint")
_local = threading.local()


class _Batch:
    def __init__(self):
        self.messages: list[tuple[int, dict]] = []

    def flush(self) -> None:
        messages, self.messages = self.messages, []
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        if not messages:
            return
        actor_ids = {m.get("actor") for _, m in messages if m.get("actor")}
        names = (
            dict(get_user_model().objects.filter(pk__in=actor_ids).values_list("pk", "username")) if actor_ids else {}
        )
        for _, message in messages:
            if message.get("actor"):
                message["actor_name"] = names.get(message["actor"], "")
        try:
            live_store().push(messages)
        except Exception:  # noqa: BLE001 - any store failure: the update is lost, the committed write stands
            log.warning("Live update store unavailable; %d live messages dropped", len(messages), exc_info=True)


def _current_batch() -> _Batch:
    """This transaction's batch: a new one when the last one was flushed or its transaction rolled back."""
    batch = getattr(_local, "batch", None)
    if batch is None or not _hook_pending(batch):
        batch = _Batch()
        _local.batch = batch
        transaction.on_commit(batch.flush, robust=True)
    return batch


def _hook_pending(batch: _Batch) -> bool:
    return any(getattr(hook, "__self__", None) is batch for _, hook, *_ in connection.run_on_commit)


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

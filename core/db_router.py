"""An optional read replica (DATABASE_REPLICA_URL) for dashboards, exports and other heavy reads.

Only code that asks for it reads from the replica: a view wrapped in `replica_reads` (or a block
`with replica_reads():`). Everything else, and every write, uses the primary ("default"). Within
a request, once anything was written (the router is asked for a write database, or a transaction
on the primary is open) every later read of that request goes to the primary too, so a request
never reads its own writes from a replica that may lag behind.
"""

import contextvars
import functools
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"
_state: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pmhub_replica_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    """Reads inside may go to the replica, until the first write."""
    token = _state.set({"wrote": False})
    try:
        yield
    finally:
        _state.reset(token)


def use_replica(view):
    """A view whose reads may go to the replica (dashboards, exports)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or state["wrote"] or not replica_configured():
            return None
        if connections["default"].in_atomic_block:  # a transaction may hold uncommitted writes
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state["wrote"] = True
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, seen through two connections

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA

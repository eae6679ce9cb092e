"""Transactions that are run again when the database gives up on them for a conflict.

PostgreSQL aborts one of two transactions that wait on each other (deadlock detected) and, at
the serializable or repeatable-read level, one that read data another changed (serialization
failure); SQLite answers "database is locked" when its busy timeout runs out. In each case the
whole transaction was rolled back and may simply be run again; any other error is raised as it is.
"""

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, connection, transaction

try:
    from psycopg2 import errors as pg_errors

    PG_CONFLICTS: tuple[type[BaseException], ...] = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)
except ImportError:  # another driver: the SQLSTATE codes below still tell
    PG_CONFLICTS = ()

logger = logging.getLogger(__name__)

ATTEMPTS = 4
BASE_DELAY = 0.05  # seconds; doubled on each attempt, with full jitter
CONFLICT_CODES = {"40P01", "40001"}  # deadlock_detected, serialization_failure

F = TypeVar("F", bound=Callable)


def is_conflict(error: BaseException) -> bool:
    """Whether the database rolled the transaction back because of another one (so running it again may work)."""
    cause = error.__cause__ or error
    if PG_CONFLICTS and isinstance(cause, PG_CONFLICTS):
        return True
    code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    if code in CONFLICT_CODES:
        return True
    return connection.vendor == "sqlite" and "database is locked" in str(error)


def retry_on_conflict(func: F | None = None, *, attempts: int = ATTEMPTS, base_delay: float = BASE_DELAY) -> F:
    """Run `func` in a transaction; when the database aborts it for a conflict, run it again.

    Up to `attempts` runs, each after a random pause of up to base_delay × 2^attempt (jitter, so
    the transactions that met do not meet again). Only an outermost transaction can be run again:
    inside an atomic block the conflict has already aborted the caller's transaction, so `func`
    then runs once, in a savepoint, and the error goes up to whoever opened the transaction.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def run(*args, **kwargs):
            if connection.in_atomic_block:
                with transaction.atomic():
                    return func(*args, **kwargs)
            attempt = 1
            while True:
                try:
                    with transaction.atomic():
                        return func(*args, **kwargs)
                except DatabaseError as error:
                    if attempt >= attempts or not is_conflict(error):
                        raise
                    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    logger.warning(
                        "%s: transaction conflict (%s); run %d of %d rolled back, running it again",
                        func.__qualname__,
                        first_line,
                        attempt,
                        attempts,
                    )
                time.sleep(random.uniform(0, base_delay * 2**attempt))
                attempt += 1

        return run  # type: ignore[return-value]

    return decorate if func is None else decorate(func)

"""Transactional outbox: every side effect of a write (a task, a webhook delivery, a job) is a row
written in the write's own transaction, so it exists exactly when the write does.

- `enqueue(task, **kwargs)` inserts the row and, once the transaction commits, relays it.
- `relay()` hands unsent rows to the broker (or, with no broker configured, runs them in-process).
  A broker that is down leaves the rows unsent, the request still succeeds, and the next relay —
  after a later commit, from the periodic sweeper (`core.tasks.outbox_sweep`) or when a worker
  starts — sends them. A row the broker accepted but no worker ever started (a broker restarted
  without persistence) is sent again after RESEND_AFTER.
- Delivery is at least once: tasks are idempotent (they recompute from source rows, or check the
  state of the row they act on), and a worker marks a row done after its task succeeded.

Messages carry the task's registered name and JSON keyword arguments, never model instances.
"""

import logging
from datetime import timedelta

from celery import current_app
from celery.signals import task_postrun, task_prerun, worker_ready
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import KombuError

from .models import OutboxMessage

log = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
RESEND_AFTER = timedelta(minutes=10)
BATCH = 200
BROKER_ERRORS = (KombuError, OSError, ConnectionError, TimeoutError)


def enqueue(task, /, **kwargs) -> OutboxMessage:
    """Record that `task` must run with `kwargs` once the current transaction commits."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, kwargs=kwargs)

    def relay_after_commit() -> None:
        relay(ids=[message.pk])

    # robust: a failure here is logged and leaves the message to the sweeper; the write stands.
    transaction.on_commit(relay_after_commit, robust=True)
    return message


def _due():
    """Rows to (re)send: never sent, or sent long ago and never started by any worker."""
    stale = timezone.now() - RESEND_AFTER
    return OutboxMessage.objects.filter(done_at__isnull=True).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=stale, claimed_at__isnull=True)
    )


def _claim_for_sending(ids: list[int] | None, limit: int) -> list[OutboxMessage]:
    """Mark a batch as sent in one short transaction (rows locked by another relay are skipped)."""
    with transaction.atomic():
        due = _due()
        if ids is not None:
            due = due.filter(pk__in=ids)
        batch = list(due.select_for_update(skip_locked=True).order_by("pk")[:limit])
        if batch:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(sent_at=timezone.now())
    return batch


def _unsend(messages: list[OutboxMessage], error: BaseException) -> None:
    """Back to unsent, with the error and one more attempt counted: a later relay sends them again."""
    reason = f"{type(error).__name__}: {error}"[:500]
    for message in messages:
        OutboxMessage.objects.filter(pk=message.pk).update(
            sent_at=None, claimed_at=None, attempts=message.attempts + 1, last_error=reason
        )


def relay(*, ids: list[int] | None = None, limit: int = BATCH) -> int:
    """Send due messages (only `ids`, when given) to the broker; returns how many went out.

    Stops at the first broker error: the rest stay unsent for the next relay.
    """
    batch = _claim_for_sending(ids, limit)
    sent = 0
    for index, message in enumerate(batch):
        try:
            if current_app.conf.task_always_eager:
                _run_in_process(message)
            else:
                current_app.send_task(
                    message.task, kwargs=message.kwargs, task_id=f"{TASK_ID_PREFIX}{message.pk}", retry=False
                )
        except BROKER_ERRORS as error:
            log.warning("Broker unavailable, %d outbox messages wait for the sweeper: %s", len(batch) - index, error)
            _unsend(batch[index:], error)
            break
        except Exception as error:
            # Any other failure to hand a message over: recorded on the rows, sent again by a later relay.
            log.exception("Outbox relay failed; %d messages wait for the sweeper", len(batch) - index)
            _unsend(batch[index:], error)
            break
        sent += 1
    return sent


def _run_in_process(message: OutboxMessage) -> None:
    """No broker configured (`make run`'s default): run the task here, after the commit."""
    current_app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    task = current_app.tasks[message.task]
    mark_claimed(message.pk)
    try:
        task.apply(kwargs=message.kwargs, task_id=f"{TASK_ID_PREFIX}{message.pk}", throw=True)
    except Exception as error:
        # Recorded on the row and sent again by a later relay; the write that enqueued it stands.
        log.exception("Outbox task %s failed in-process", message.task)
        OutboxMessage.objects.filter(pk=message.pk).update(
            sent_at=None,
            claimed_at=None,
            attempts=message.attempts + 1,
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        return
    mark_done(message.pk)


def _message_id(task_id: str | None) -> int | None:
    if task_id and task_id.startswith(TASK_ID_PREFIX):
        suffix = task_id[len(TASK_ID_PREFIX) :]
        return int(suffix) if suffix.isdigit() else None
    return None


def mark_claimed(message_id: int) -> None:
    OutboxMessage.objects.filter(pk=message_id, claimed_at__isnull=True).update(claimed_at=timezone.now())


def mark_done(message_id: int) -> None:
    OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(done_at=timezone.now())


def backlog() -> dict:
    """For /healthz: how many messages wait to be sent, and the age of the oldest in seconds."""
    due = _due().filter(sent_at__isnull=True)
    oldest = due.order_by("created_at").values_list("created_at", flat=True).first()
    age = 0 if oldest is None else int((timezone.now() - oldest).total_seconds())
    return {"unsent": due.count(), "oldest_seconds": age}


def waiting_job_ids(job_ids: list[int]) -> set[int]:
    """Of these jobs, the ones whose task message has not reached the broker yet."""
    if not job_ids:
        return set()
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True, done_at__isnull=True, kwargs__job_id__in=job_ids)
    return {kwargs["job_id"] for kwargs in unsent.values_list("kwargs", flat=True)}


def purge_done(*, older_than: timedelta = timedelta(days=7)) -> int:
    return OutboxMessage.objects.filter(done_at__lt=timezone.now() - older_than).delete()[0]


@task_prerun.connect
def _claimed(task_id=None, **_) -> None:
    if (message_id := _message_id(task_id)) is not None and not current_app.conf.task_always_eager:
        mark_claimed(message_id)


@task_postrun.connect
def _done(task_id=None, state=None, **_) -> None:
    if (
        (message_id := _message_id(task_id)) is not None
        and state == "SUCCESS"
        and not current_app.conf.task_always_eager
    ):
        mark_done(message_id)


@worker_ready.connect
def _sweep_on_start(**_) -> None:
    """A worker that (re)starts sends what waited while the broker or the workers were away."""
    try:
        relay()
    except BROKER_ERRORS as error:
        log.warning("Outbox sweep at worker start failed: %s", error)

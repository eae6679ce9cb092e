"""The transactional outbox: a message exists exactly when its write does, and is sent until a worker is done."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from core import outbox
from core.models import OutboxMessage
from pmhub.celery import app


@pytest.fixture
def broker(monkeypatch):
    """The broker boundary: records what is handed over; `down = True` makes it refuse like a stopped Redis."""

    class Broker:
        down = False
        sent: list[tuple[str, dict, str]] = []

    def send_task(name, kwargs=None, task_id=None, **_):
        if Broker.down:
            raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        Broker.sent.append((name, kwargs, task_id))

    Broker.sent = []
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(app, "send_task", send_task)
    yield Broker
    app.conf.task_always_eager = eager


def test_a_rolled_back_write_leaves_no_message(transactional_db, broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("core.tasks.outbox_sweep")
        raise RuntimeError("the write fails")

    assert not OutboxMessage.objects.exists()
    assert broker.sent == []


def test_a_committed_write_is_relayed_after_the_commit_only(transactional_db, broker):
    with transaction.atomic():
        message = outbox.enqueue("core.tasks.outbox_sweep", day="2026-12-01")
        assert broker.sent == []

    assert broker.sent == [("core.tasks.outbox_sweep", {"day": "2026-12-01"}, f"outbox-{message.pk}")]
    message.refresh_from_db()
    assert message.sent_at is not None and message.done_at is None


def test_broker_down_keeps_messages_until_a_later_relay(transactional_db, broker):
    broker.down = True
    with transaction.atomic():
        first = outbox.enqueue("core.tasks.outbox_sweep", n=1)
        second = outbox.enqueue("core.tasks.outbox_sweep", n=2)

    assert broker.sent == []
    waiting = list(OutboxMessage.objects.order_by("pk").values_list("sent_at", "attempts"))
    assert waiting == [(None, 1), (None, 1)]
    assert "Connection refused" in OutboxMessage.objects.get(pk=first.pk).last_error
    assert outbox.backlog()["unsent"] == 2

    broker.down = False
    assert outbox.relay() == 2
    assert [kwargs for _, kwargs, _ in broker.sent] == [{"n": 1}, {"n": 2}]
    assert outbox.relay() == 0  # sent once, not again
    assert outbox.backlog()["unsent"] == 0
    assert second.pk


def test_a_message_the_broker_lost_is_sent_again_but_not_one_a_worker_started(transactional_db, broker):
    lost = OutboxMessage.objects.create(task="core.tasks.outbox_sweep", sent_at=timezone.now() - timedelta(hours=1))
    started = OutboxMessage.objects.create(
        task="core.tasks.outbox_sweep",
        sent_at=timezone.now() - timedelta(hours=1),
        claimed_at=timezone.now() - timedelta(minutes=59),
    )
    recent = OutboxMessage.objects.create(task="core.tasks.outbox_sweep", sent_at=timezone.now())

    assert outbox.relay() == 1
    assert [task_id for _, _, task_id in broker.sent] == [f"outbox-{lost.pk}"]
    assert {started.pk, recent.pk}.isdisjoint({int(t.split("-")[1]) for _, _, t in broker.sent})


def test_without_a_broker_the_task_runs_in_process_after_the_commit(transactional_db):
    assert app.conf.task_always_eager  # as in `make run` (tests run tasks in-process unless they ask for a worker)
    with transaction.atomic():
        message = outbox.enqueue("core.tasks.outbox_sweep")
        assert OutboxMessage.objects.get(pk=message.pk).done_at is None

    message.refresh_from_db()
    assert message.claimed_at is not None and message.done_at is not None

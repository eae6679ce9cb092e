"""Nothing lost: with the broker down, writes still answer 2xx, and once it is back every side effect
(scores, webhook deliveries, jobs) happens exactly once.

The broker here is a Redis server of the test's own, stopped and started by the test; the worker is a
real Celery worker consuming from it, with tasks not eager.
"""

import shutil
import socket
import subprocess
import time
from decimal import Decimal

import pytest
from django.conf import settings

from core import outbox
from core.models import OutboxMessage
from core.tasks import outbox_sweep
from integrations.models import DeliveryStatus, WebhookDelivery
from integrations.services import api_token_create
from jobs.models import Job, JobState
from prioritization.models import CriterionValue, CustomScore, ScorecardCriterion
from tests import factories as f
from tests.api.receiver import Receiver
from tests.conftest import skip_or_fail, wait_for

pytestmark = pytest.mark.worker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """A private Redis on a free port that the test can stop and start."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, timeout=10), "the test's Redis did not start"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        assert not self._answers()

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def _reconnect(app) -> None:
    """New connections to app.conf.broker_url from now on (Celery caches its connection and producer pools)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_broker(postgres, transactional_db, settings):
    if shutil.which("redis-server") is None or not settings.CELERY_BROKER_URL:
        skip_or_fail("needs redis-server and a Redis broker (CELERY_BROKER_URL)")
    from pmhub.celery import app

    broker = Broker()
    broker.start()
    urls = ("broker_url", "broker_read_url", "broker_write_url")
    previous = {name: app.conf[name] for name in (*urls, "task_always_eager")}
    app.conf.update({name: broker.url for name in urls}, task_always_eager=False)
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    _reconnect(app)
    yield broker, app
    app.conf.update(previous)
    _reconnect(app)
    if broker.process.poll() is None:
        broker.stop()


def _client(user):
    from rest_framework.test import APIClient

    _, raw = api_token_create(user=user, name="fault test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_writes_survive_a_broker_outage_and_their_work_happens_once_it_is_back(world, private_broker):
    broker, app = private_broker
    criterion = ScorecardCriterion.objects.create(product=world.product, name="Value", weight=Decimal("1"))
    item = f.BacklogItemFactory(product=world.product, title="Refunds", effort=Decimal("2"))
    CriterionValue.objects.create(item=item, criterion=criterion, value=Decimal("8"))
    po, pm, admin = (_client(world.users[r]) for r in ("product_owner", "product_manager", "admin"))

    with Receiver() as receiver:
        hook = admin.post(
            "/api/v1/webhooks/",
            {"workspace": world.workspace.pk, "url": receiver.url, "events": ["item.*"]},
            format="json",
        )
        assert hook.status_code == 201
        OutboxMessage.objects.all().delete()  # the webhook's own ping, not part of this test

        broker.stop()
        answers = [
            po.patch(f"/api/v1/items/{item.pk}/", {"effort": "4", "reach": 500}, format="json").status_code,
            po.post("/api/v1/items/", {"product": world.product.pk, "title": "Payouts"}, format="json").status_code,
            pm.post(f"/api/v1/products/{world.product.pk}/prioritize/").status_code,
            po.post(
                "/api/v1/items/bulk/", {"items": [{"product": world.product.pk, "title": "Bulk one"}]}, format="json"
            ).status_code,
        ]
        assert all(200 <= code < 300 for code in answers), answers
        # Saved, with fresh scores in the answer; their side effects wait in the outbox.
        item.refresh_from_db()
        assert item.effort == Decimal("4") and item.reach == 500
        waiting = OutboxMessage.objects.filter(sent_at=None, done_at=None)
        assert waiting.count() >= 4, list(OutboxMessage.objects.values("task", "sent_at", "done_at", "last_error"))
        assert all(m.last_error for m in waiting)
        assert outbox.backlog()["unsent"] == waiting.count()
        assert receiver.requests == []

        broker.start()
        _reconnect(app)
        from celery.contrib.testing.worker import start_worker

        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15):
            outbox_sweep()  # what beat runs every few seconds
            done = wait_for(lambda: not OutboxMessage.objects.filter(done_at=None).exists(), timeout=60)
            assert done, list(OutboxMessage.objects.filter(done_at=None).values("task", "sent_at", "last_error"))
            outbox_sweep()  # a second sweep sends nothing again
            time.sleep(1)

    # Every side effect happened, once.
    assert CustomScore.objects.get(item=item).score == Decimal("2.00")  # 8 ÷ 4
    deliveries = WebhookDelivery.objects.order_by("pk")
    assert sorted(d.event for d in deliveries) == ["item.bulk_saved", "item.created", "item.created", "item.updated"]
    assert all(d.status == DeliveryStatus.SUCCEEDED and d.attempts == 1 for d in deliveries)
    assert len(receiver.requests) == 4
    assert sorted({r["headers"]["X-PMHub-Delivery"] for r in receiver.requests}) == sorted(
        str(d.event_id) for d in deliveries
    )
    jobs = Job.objects.filter(workspace=world.workspace)
    assert jobs.count() == 2 and set(jobs.values_list("state", flat=True)) == {JobState.SUCCEEDED}
    assert outbox.backlog() == {"unsent": 0, "oldest_seconds": 0}
    assert broker.url != settings.CELERY_BROKER_URL  # the shared broker was never touched

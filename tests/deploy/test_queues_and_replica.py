"""Celery queues split by latency, routed by task name; the read replica router never serves a
request's own writes from the replica (a second alias on the same server stands in for it)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core.db_router import REPLICA, replica_reads
from pmhub.celery import app
from products.models import Product
from tests import factories as f


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("prioritization.tasks.product_reprioritise", "bulk"),
        ("okrs.tasks.okr_recompute_job", "bulk"),
        ("transfer.tasks.anything_an_importer_adds", "bulk"),
        ("prioritization.tasks.item_custom_score_recompute", "interactive"),
        ("integrations.tasks.webhook_deliver", "interactive"),
        ("notifications.tasks.anything_added_later", "interactive"),
        ("some.unlisted.task", "interactive"),
    ],
)
def test_tasks_are_routed_by_name_to_the_queue_of_their_latency(settings, task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == settings.CELERY_QUEUE_PREFIX + queue


def test_a_worker_without_q_takes_both_queues():
    assert set(app.amqp.queues) == {"interactive", "bulk"}


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A second alias to the same test database, as a replica would be (it sees committed rows only);
    for this module's tests only, so no other test's reads are routed to it."""
    connections.settings[REPLICA] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections.settings[REPLICA]
    if hasattr(connections._connections, REPLICA):
        delattr(connections._connections, REPLICA)


@pytest.fixture
def replica():
    return connections[REPLICA]


replica_db = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@replica_db
def test_heavy_reads_go_to_the_replica_until_the_request_writes(replica):
    product = f.ProductFactory()
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        with replica_reads():
            assert Product.objects.filter(pk=product.pk).exists()  # replica
            Product.objects.filter(pk=product.pk).update(name="Renamed")  # a write: primary
            assert Product.objects.get(pk=product.pk).name == "Renamed"  # its own write: primary
        assert Product.objects.get(pk=product.pk).name == "Renamed"  # outside: primary
    assert len(on_replica) == 1 and len(on_primary) == 3


@replica_db
def test_without_replica_reads_everything_stays_on_the_primary(replica):
    product = f.ProductFactory()
    with CaptureQueriesContext(replica) as on_replica:
        assert Product.objects.filter(pk=product.pk).exists()
    assert len(on_replica) == 0


@replica_db
def test_the_dashboard_reads_from_the_replica(replica, world):
    with CaptureQueriesContext(replica) as on_replica:
        response = world.client("viewer").get(f"/products/{world.product.pk}/dashboard/")
    assert response.status_code == 200 and len(on_replica) > 0

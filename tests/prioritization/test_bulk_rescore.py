"""A bulk save re-scores its product as one tracked job, not one task per item."""

from decimal import Decimal

from backlog.models import BacklogItem
from backlog.services import items as services
from jobs.models import Job, JobState
from prioritization.services.runs import JOB_KIND
from tests import factories as f


def test_a_bulk_save_runs_one_reprioritisation_job_per_product(world, django_capture_on_commit_callbacks):
    other = f.ProductFactory(workspace=world.workspace, key="APP")
    rows = [
        {
            "item": None,
            "data": {
                "product": product,
                "title": f"Row {n}",
                "reach": 1000 * (n + 1),
                "impact": Decimal("2"),
                "confidence": 50,
                "effort": Decimal("2"),
            },
        }
        for n, product in enumerate([world.product, world.product, other])
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.items_bulk_save(rows=rows, actor=world.users["product_owner"])
    jobs = Job.objects.filter(kind=JOB_KIND).order_by("product_id")
    assert [(j.product_id, j.state, j.started_by) for j in jobs] == [
        (world.product.pk, JobState.SUCCEEDED, world.users["product_owner"]),
        (other.pk, JobState.SUCCEEDED, world.users["product_owner"]),
    ]
    scores = dict(BacklogItem.objects.values_list("title", "rice_score"))
    assert scores == {"Row 0": Decimal("500.00"), "Row 1": Decimal("1000.00"), "Row 2": Decimal("1500.00")}


def test_done_time_is_recorded_on_every_path_and_forgotten_on_reopen(world):
    item = f.BacklogItemFactory(product=world.product, status="in_progress")
    item = services.item_update(item=item, data={"status": "done"}, actor=None)
    item.refresh_from_db()
    assert item.done_at is not None
    first_done = item.done_at
    item = services.item_update(item=item, data={"status": "accepted"}, actor=None)
    item.refresh_from_db()
    assert item.done_at == first_done  # accepting keeps the moment the work was finished
    item = services.item_update(item=item, data={"status": "in_progress"}, actor=None)
    item.refresh_from_db()
    assert item.done_at is None

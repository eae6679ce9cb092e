from decimal import Decimal

import pytest

from backlog import services
from backlog.models import BacklogItem
from tests import factories as f
from tests.conftest import wait_for


def test_an_edit_of_rice_inputs_schedules_the_rescore_after_commit(world, django_capture_on_commit_callbacks):
    item = f.BacklogItemFactory(product=world.product)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.item_update(
            item=item,
            data={"reach": 2000, "impact": Decimal("2"), "confidence": 80, "effort": Decimal("4")},
            actor=world.users["admin"],
        )
        item.refresh_from_db()
        assert item.rice_score is None  # nothing computed inside the transaction
    assert len([c for c in callbacks if "item_rescore" in repr(c)]) == 1  # (the other: the item.updated event)
    item.refresh_from_db()
    assert item.rice_score == Decimal("800.00")  # 2,000 × 2 × 0.8 ÷ 4


def test_an_edit_of_other_fields_schedules_nothing(world, django_capture_on_commit_callbacks):
    item = f.BacklogItemFactory(product=world.product, reach=10)
    with django_capture_on_commit_callbacks() as callbacks:
        services.item_update(item=item, data={"title": "Renamed", "reach": 10}, actor=world.users["admin"])
    assert [c for c in callbacks if "item_rescore" in repr(c)] == []


@pytest.mark.worker
def test_a_real_worker_stores_the_rice_score(celery_worker):
    world_product = f.ProductFactory()
    item = services.item_create(instance=BacklogItem(product=world_product, title="One-click pay"), actor=None)
    services.item_update(
        item=item,
        data={"reach": 500, "impact": Decimal("0.5"), "confidence": 100, "effort": Decimal("0.25")},
        actor=None,
    )
    score = wait_for(lambda: BacklogItem.objects.get(pk=item.pk).rice_score)
    assert score == Decimal("1000.00")  # 500 × 0.5 × 1.0 ÷ 0.25

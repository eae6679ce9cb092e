"""Applying a scenario follows the backlog's lock order: the product row, then its items by ascending id."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from prioritization.models import Scenario
from prioritization.services.scenarios import scenario_apply
from tests import factories as f


def test_applying_a_scenario_locks_the_product_then_its_items_in_ascending_id(world):
    items = [f.BacklogItemFactory(product=world.product) for _ in range(3)]
    inputs = {str(item.pk): {"reach": 100 + n} for n, item in enumerate(reversed(items))}  # highest id first
    scenario = Scenario.objects.create(product=world.product, name="Push", item_inputs=inputs)

    with CaptureQueriesContext(connection) as queries:
        scenario_apply(scenario=scenario, actor=world.users["product_manager"])

    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"] or "FOR NO KEY UPDATE" in q["sql"]]
    tables = [re.search(r'FROM "(\w+)"', sql).group(1) for sql in locks]
    product_lock = tables.index("products_product")
    first_item_lock = tables.index("backlog_backlogitem")
    assert product_lock < first_item_lock  # the product before any item
    item_lock = locks[first_item_lock]
    assert 'ORDER BY "backlog_backlogitem"."id" ASC' in item_lock  # several items: in ascending id
    assert sorted(i.reach for i in type(items[0]).objects.filter(pk__in=[i.pk for i in items])) == [100, 101, 102]

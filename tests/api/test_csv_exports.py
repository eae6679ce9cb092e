"""The backlog and roadmap exports write user input through the formula-neutralising CSV writer."""

import csv
import io

import pytest

from tests import factories as f


@pytest.mark.parametrize("path", ["/api/v1/items/export/", "/api/v1/initiatives/export/"])
def test_backlog_and_roadmap_exports_defuse_formulas(world, api, path):
    po = api("product_owner")
    f.BacklogItemFactory(product=world.product, title="=1+2")
    f.InitiativeFactory(product=world.product, title="=1+2", horizon="now")

    response = po.get(path, {"product": world.product.pk})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    titles = [row[rows[0].index("title")] for row in rows[1:]]
    assert titles == ["'=1+2"]

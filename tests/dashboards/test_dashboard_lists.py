"""Dashboard pages show the first rows of their initiative lists with "and N more"; the exports and the
API keep every row; the figures are read from the cache that every write refreshes."""

import csv
import io
import re

from django.urls import reverse

from dashboards.views import INITIATIVE_ROWS, UNLINKED_ROWS
from roadmap.services.initiatives import initiative_update
from tests import factories as f


def _page(world):
    return reverse("dashboards:product_dashboard", kwargs={"product_id": world.product.pk})


def test_long_initiative_lists_are_capped_with_and_n_more(world):
    count = INITIATIVE_ROWS + 7
    for n in range(count):
        f.InitiativeFactory(product=world.product, title=f"Plan {n:02d}", horizon="now", status="planned")
    client = world.client("viewer")
    for url in (_page(world), reverse("dashboards:workspace_dashboard", kwargs={"workspace_id": world.workspace.pk})):
        html = client.get(url).content.decode()
        table = html[html.index('id="initiatives-h"') : html.index('id="history-h"')]
        assert re.findall(r">(Plan \d\d)</a>", table) == [f"Plan {n:02d}" for n in range(INITIATIVE_ROWS)]
        assert f"and {count - INITIATIVE_ROWS} more" in table
        unlinked = html[html.index('id="coverage-h"') : html.index('id="initiatives-h"')]
        assert len(re.findall(r">Plan \d\d</a>", unlinked)) == UNLINKED_ROWS
        assert f"and {count - UNLINKED_ROWS} more" in unlinked
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("dashboards:product_dashboard_csv", kwargs={"product_id": world.product.pk})
                ).content.decode()
            )
        )
    )
    assert len({r["name"] for r in rows if r["name"].startswith("Plan ")}) == count  # the export has every row
    api = client.get(reverse("product_dashboard_api", kwargs={"product_id": world.product.pk})).json()
    assert len(api["initiatives"]) == count


def test_a_write_refreshes_the_cached_roadmap_figures(world):
    initiative = f.InitiativeFactory(product=world.product, title="Wallets", horizon="now", status="planned")
    client = world.client("viewer")
    url = reverse("product_dashboard_api", kwargs={"product_id": world.product.pk})
    assert client.get(url).json()["roadmap"]["now"] == 1
    initiative_update(initiative=initiative, data={"horizon": "later"}, m2m={})
    figures = client.get(url).json()
    assert (figures["roadmap"]["now"], figures["roadmap"]["later"]) == (0, 1)

"""Release and initiative pages of any size: their items in keyset pages of 100 in backlog order, the
figures over all of them, counts that a join does not multiply, and a constant number of queries."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap.selectors.releases import RELEASE_ITEMS_PAGE
from roadmap.services.releases import release_baseline_set
from tests import factories as f


def _keys(html: str) -> list[str]:
    return re.findall(r'<td class="key">([A-Z0-9]+-\d+)</td>', html)


def _walk(client, url: str) -> list[list[str]]:
    """Every page of a detail page's items, following its Next links."""
    pages, next_url = [], url
    while next_url:
        html = client.get(next_url).content.decode()
        pages.append(_keys(html))
        found = re.search(r'href="\?(after=[^"]+)" rel="next"', html)
        next_url = f"{url}?{found.group(1)}" if found else None
        assert len(pages) < 10
    return pages


def test_a_release_pages_its_items_in_rank_order_and_sums_them_all(world):
    release = f.ReleaseFactory(product=world.product, name="Big")
    initiative = f.InitiativeFactory(product=world.product, release=release)
    own = [f.BacklogItemFactory(product=world.product, release=release, story_points=2) for _ in range(90)]
    via = [f.BacklogItemFactory(product=world.product, initiative=initiative, story_points=1) for _ in range(40)]
    f.BacklogItemFactory(product=world.product, release=release, kind="epic")  # a container, not work
    f.BacklogItemFactory(product=world.other_product, title="Theirs")
    url = reverse("roadmap:release_detail", kwargs={"product_id": world.product.pk, "pk": release.pk})
    client = world.client("viewer")
    html = client.get(url).content.decode()
    assert "130</strong> items" in html and "<strong>220</strong> points" in html
    pages = _walk(client, url)
    expected = [i.key for i in sorted(own + via, key=lambda i: i.rank)]
    assert [len(p) for p in pages] == [RELEASE_ITEMS_PAGE, 30]
    assert pages[0] + pages[1] == expected  # in order, none twice, none lost at the boundary
    assert "Theirs" not in html


def test_a_release_baseline_counts_what_its_page_counts(world):
    """The change since the baseline compares the same items: own and via initiatives, epics aside."""
    release = f.ReleaseFactory(product=world.product)
    initiative = f.InitiativeFactory(product=world.product, release=release)
    f.BacklogItemFactory(product=world.product, release=release, story_points=3)
    f.BacklogItemFactory(product=world.product, initiative=initiative, story_points=5)
    f.BacklogItemFactory(product=world.product, release=release, kind="epic", story_points=8)
    release_baseline_set(release=release, actor=None)
    url = reverse("roadmap:release_detail", kwargs={"product_id": world.product.pk, "pk": release.pk})
    html = world.client("viewer").get(url).content.decode()
    assert "<strong>+0</strong> points, <strong>+0</strong> items" in html
    release.refresh_from_db()
    assert (release.baseline_points, release.baseline_items) == (8, 2)


def test_an_initiative_pages_its_items(world):
    initiative = f.InitiativeFactory(product=world.product)
    items = [f.BacklogItemFactory(product=world.product, initiative=initiative) for _ in range(105)]
    url = reverse("roadmap:initiative_detail", kwargs={"product_id": world.product.pk, "pk": initiative.pk})
    pages = _walk(world.client("viewer"), url)
    assert pages == [[i.key for i in items[:100]], [i.key for i in items[100:]]]


@pytest.mark.parametrize("view", ["roadmap:release_detail", "roadmap:initiative_detail"])
def test_detail_pages_keep_their_query_count_as_items_grow(world, view):
    release = f.ReleaseFactory(product=world.product)
    initiative = f.InitiativeFactory(product=world.product, release=release)
    pk = release.pk if view == "roadmap:release_detail" else initiative.pk
    url = reverse(view, kwargs={"product_id": world.product.pk, "pk": pk})
    client = world.client("viewer")

    def count() -> int:
        cache.clear()  # the release's figures, cached by the first visit (core.figures)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        f.BacklogItemFactory(product=world.product, release=release, initiative=initiative)
    few = count()
    for _ in range(150):
        f.BacklogItemFactory(product=world.product, release=release, initiative=initiative)
    assert count() == few


def test_list_counts_are_not_multiplied_by_each_other(world):
    """Releases and products show their initiatives and items: correlated counts, each right."""
    release = f.ReleaseFactory(product=world.product, name="Counted")
    for _ in range(2):
        f.InitiativeFactory(product=world.product, release=release)
    for _ in range(3):
        f.BacklogItemFactory(product=world.product, release=release)
    releases = world.client("viewer").get(reverse("roadmap:release_list", kwargs={"product_id": world.product.pk}))
    row = next(r for r in releases.context["rows"] if r["obj"].pk == release.pk)
    assert (row["obj"].initiative_count, row["obj"].item_count) == (2, 3)
    products = world.client("viewer").get(reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk}))
    mine = next(r["obj"] for r in products.context["rows"] if r["obj"].pk == world.product.pk)
    from backlog.models import BacklogItem
    from roadmap.models import Initiative

    assert mine.item_count == BacklogItem.objects.filter(product=world.product).count() >= 3
    assert mine.initiative_count == Initiative.objects.filter(product=world.product).count() >= 2
    assert world.other_product.pk not in [r["obj"].pk for r in products.context["rows"]]


def test_release_counts_follow_an_item_added_through_the_backlog(world):
    """The releases page's counts are cached by the figures version: an item added through the
    backlog's service (which bumps it) shows on the next visit."""
    from backlog.models import BacklogItem
    from backlog.services.items import item_create

    release = f.ReleaseFactory(product=world.product, name="Counted")
    url = reverse("roadmap:release_list", kwargs={"product_id": world.product.pk})
    client = world.client("viewer")

    def counted() -> int:
        rows = client.get(url).context["rows"]
        return next(r["obj"].item_count for r in rows if r["obj"].pk == release.pk)

    assert counted() == 0
    item_create(instance=BacklogItem(product=world.product, title="Ships in it", release=release), actor=None)
    assert counted() == 1

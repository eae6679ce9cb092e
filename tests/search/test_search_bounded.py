"""The bounded ranking of the item search: when many items match, only the newest matches of each
branch (title, anywhere, criteria) are ranked, yet a title match still comes first, an old rare match
is still found through the index, and another workspace's matches never crowd out the user's own."""

import pytest

from backlog.selectors import search
from tests import factories as f


@pytest.fixture
def small_bounds(monkeypatch):
    """Bounds of a few rows instead of 200 candidates in a walk of 5,000, so both paths are exercised."""
    monkeypatch.setattr(search, "CANDIDATES", 3)
    monkeypatch.setattr(search, "RECENT_WINDOW", 6)
    search._item_search_sql.cache_clear()
    yield
    search._item_search_sql.cache_clear()


def titles(user, text, **kwargs):
    return [row["title"] for row in search.item_search(user=user, text=text, **kwargs)]


def test_an_old_title_match_beats_many_newer_description_matches(world, small_bounds):
    f.BacklogItemFactory(product=world.product, title="Refund to the original card")
    for n in range(10):
        f.BacklogItemFactory(product=world.product, title=f"Export {n}", description="Refunds appear as credit notes.")
    found = titles(world.users["viewer"], "refu")
    assert found[0] == "Refund to the original card"
    assert set(found[1:]) <= {f"Export {n}" for n in range(10)}
    assert len(found) == 4  # the title match and the 3 newest description matches are ranked


def test_a_rare_word_outside_the_newest_items_is_found_through_the_index(world, small_bounds):
    f.BacklogItemFactory(product=world.product, title="Zebra crossing for payouts")
    crit = f.BacklogItemFactory(product=world.product, title="Checkout timeout")
    f.CriterionFactory(item=crit, text="Given an idempotency key, one payment is made")
    for n in range(10):
        f.BacklogItemFactory(product=world.product, title=f"Dark mode {n}")
    assert titles(world.users["viewer"], "zebr") == ["Zebra crossing for payouts"]
    assert titles(world.users["viewer"], "idempot") == ["Checkout timeout"]  # a criteria match still found
    assert titles(world.users["viewer"], "zebra payou") == ["Zebra crossing for payouts"]  # two prefixes


def test_another_workspaces_newer_matches_never_crowd_out_or_leak(world, small_bounds):
    f.BacklogItemFactory(product=world.product, title="Refund by bank transfer")
    for n in range(10):
        f.BacklogItemFactory(product=world.other_product, title=f"Refund rival {n}")
    assert titles(world.users["viewer"], "refund") == ["Refund by bank transfer"]
    assert all(t.startswith("Refund rival") for t in titles(world.outsider, "refund"))


def test_one_products_search_stays_in_that_product(world, small_bounds):
    other = f.ProductFactory(workspace=world.workspace, key="OPS")
    f.BacklogItemFactory(product=world.product, title="Refund in this product")
    for n in range(5):
        f.BacklogItemFactory(product=other, title=f"Refund elsewhere {n}")
    viewer = world.users["viewer"]
    assert titles(viewer, "refund", product_id=world.product.pk) == ["Refund in this product"]
    # Across the workspace, six title matches: the bound ranks the 3 newest (equal ranks: newest first).
    assert titles(viewer, "refund") == ["Refund elsewhere 4", "Refund elsewhere 3", "Refund elsewhere 2"]

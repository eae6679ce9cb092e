"""Search: ranked full text with prefix matching over titles, stories, descriptions and criteria;
products, initiatives and goals by title; never another workspace's rows; the API and the page."""

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from backlog.selectors.search import item_search, item_search_plain, prefix_tsquery, search_words
from tests import factories as f
from tests.conftest import ROLES


@given(st.text(max_size=300))
def test_a_query_is_words_as_prefixes_whatever_is_typed(text):
    query = prefix_tsquery(text)
    words = search_words(text)
    assert len(words) <= 8
    if not words:
        assert query is None
    else:
        assert query == " & ".join(f"{w}:*" for w in words)
        # Nothing but word characters, the prefix marks and AND: no operator of the user's survives.
        assert set(query) - set(" &:*") <= set("".join(words))


@pytest.fixture
def backlog(world):
    f.BacklogItemFactory(product=world.product, title="Refund to the original card")
    f.BacklogItemFactory(product=world.product, title="Export invoices", description="Refunds appear as credit notes.")
    story = f.BacklogItemFactory(product=world.product, title="Wallet top-up", i_want="to refund a top-up")
    crit = f.BacklogItemFactory(product=world.product, title="Checkout timeout")
    f.CriterionFactory(item=crit, text="Given a refund in progress, the page shows its state")
    f.BacklogItemFactory(product=world.product, title="Dark mode")
    f.BacklogItemFactory(product=world.other_product, title="Refund rival's customers")
    return story


def test_items_are_found_by_prefix_in_titles_stories_descriptions_and_criteria_best_first(world, backlog):
    titles = [row["title"] for row in item_search(user=world.users["viewer"], text="refu")]
    assert titles[0] == "Refund to the original card"  # a title match ranks first
    assert set(titles) == {"Refund to the original card", "Export invoices", "Wallet top-up", "Checkout timeout"}
    # Every word must match; the other workspace's item never appears.
    assert [r["title"] for r in item_search(user=world.users["viewer"], text="refund card")] == [
        "Refund to the original card"
    ]
    assert item_search(user=world.outsider, text="refund")[0]["title"] == "Refund rival's customers"
    assert len(item_search(user=world.outsider, text="refund")) == 1


def test_the_plain_fallback_finds_the_same_items(world, backlog):
    found = {row["title"] for row in item_search_plain(user=world.users["viewer"], text="refund")}
    assert found == {"Refund to the original card", "Export invoices", "Wallet top-up", "Checkout timeout"}
    assert all(r["key"].startswith("PAY-") for r in item_search_plain(user=world.users["viewer"], text="refund"))


def test_operators_and_punctuation_in_a_query_are_only_words(world, backlog):
    for text in ("refund & !", "refund:* | card", "')) OR 1=1 --", "", "   ", "a" * 500):
        item_search(user=world.users["viewer"], text=text)  # never an error
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_every_member_searches_their_workspace_through_the_api(world, api, backlog, role):
    f.InitiativeFactory(product=world.product, title="Refunds without tickets")
    f.ObjectiveFactory(workspace=world.workspace, title="Refund disputes halved")
    response = api(role).get("/api/v1/search/", {"q": "refund"})
    assert response.status_code == 200
    kinds = [(hit["kind"], hit["title"]) for hit in response.json()["results"]]
    if role == "outsider":
        assert kinds == [("item", "Refund rival's customers")]
    else:
        assert ("initiative", "Refunds without tickets") in kinds
        assert ("objective", "Refund disputes halved") in kinds
        assert all("rival" not in title for _, title in kinds)
        assert kinds[0] == ("item", "Refund to the original card")


def test_the_api_refuses_bad_input_and_other_workspaces_products(world, api, backlog):
    assert api(None).get("/api/v1/search/", {"q": "refund"}).status_code == 401
    assert api("viewer").get("/api/v1/search/", {"q": "x" * 201}).status_code == 400
    assert api("viewer").get("/api/v1/search/", {"q": "refund", "limit": 0}).status_code == 400
    assert api("viewer").get("/api/v1/search/", {"q": "refund", "product": world.other_product.pk}).status_code == 404
    hits = api("viewer").get("/api/v1/search/", {"q": "refund", "product": world.product.pk}).json()["results"]
    assert {h["context"] for h in hits if h["kind"] == "item"} == {"PAY"}


def test_the_search_page_lists_hits_with_links(world, backlog, django_assert_max_num_queries):
    client = world.client("viewer")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("search:search"), {"q": "refund"})
    body = response.content.decode()
    assert "Refund to the original card" in body and "rival" not in body
    assert reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": backlog.pk}) in body
    assert "Nothing found" in client.get(reverse("search:search"), {"q": "zebra"}).content.decode()
    assert world.client(None).get(reverse("search:search")).status_code == 302

"""Triage: notes move from new to processed or archived (who and when recorded); linking from the inbox."""

import pytest
from django.urls import reverse

from discovery.models import FeedbackNote, Insight, NoteState
from tests import factories as f

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]
EDITORS = {"admin", "product_manager", "product_owner", "contributor"}


@pytest.mark.parametrize("role", ROLES)
def test_processing_and_linking_by_role(world, role):
    note = f.FeedbackNoteFactory(product=world.product, text="Refunds take a week to arrive.")
    item = f.BacklogItemFactory(product=world.product)
    client = world.client(role)
    link = reverse("discovery:insight_link", kwargs={"product_id": world.product.pk, "pk": note.pk})
    state = reverse("discovery:note_state", kwargs={"product_id": world.product.pk, "pk": note.pk})
    linked = client.post(
        link,
        {"passage": "take a week", "importance": "critical", "target": f"item:{item.pk}"},
        HTTP_ACCEPT="application/json",
    )
    processed = client.post(state, {"state": "processed"}, HTTP_ACCEPT="application/json")
    note.refresh_from_db()
    if role in EDITORS:
        assert (linked.status_code, processed.status_code) == (200, 200)
        assert (note.state, note.processed_by) == (NoteState.PROCESSED, world.users[role])
        assert note.processed_at is not None
        assert Insight.objects.get(note=note).item == item
    else:
        assert (linked.status_code, processed.status_code) == (403, 403)
        assert note.state == NoteState.NEW and not Insight.objects.exists()
    assert world.client("outsider").post(state, {"state": "archived"}).status_code == 404


def test_linking_refuses_a_target_of_another_product_or_workspace(world):
    note = f.FeedbackNoteFactory(product=world.product)
    theirs = f.BacklogItemFactory(product=world.other_product)
    sibling = f.BacklogItemFactory(product=f.ProductFactory(workspace=world.workspace))
    link = reverse("discovery:insight_link", kwargs={"product_id": world.product.pk, "pk": note.pk})
    client = world.client("admin")
    for target in (f"item:{theirs.pk}", f"item:{sibling.pk}", "item:x", "sprint:1"):
        response = client.post(link, {"target": target, "importance": "nice"}, HTTP_ACCEPT="application/json")
        assert response.status_code == 400, target
    assert not Insight.objects.exists()


def test_back_to_new_forgets_who_processed(world, api):
    note = f.FeedbackNoteFactory(product=world.product)
    po = api("product_owner")
    assert po.post(f"/api/v1/feedback/{note.pk}/state/", {"state": "archived"}, format="json").json()["processed_by"]
    body = po.post(f"/api/v1/feedback/{note.pk}/state/", {"state": "new"}, format="json").json()
    assert (body["state"], body["processed_by"], body["processed_at"]) == ("new", None, None)


def test_inbox_shows_new_notes_of_this_product_with_counts_and_filters(world):
    enterprise = f.CustomerFactory(workspace=world.workspace, segment="enterprise")
    smb = f.CustomerFactory(workspace=world.workspace, segment="smb")
    f.FeedbackNoteFactory(product=world.product, title="Big one", customer=enterprise, tags=["billing"])
    f.FeedbackNoteFactory(product=world.product, title="Small one", customer=smb, source="review")
    f.FeedbackNoteFactory(product=world.product, title="Done one", state=NoteState.PROCESSED)
    f.FeedbackNoteFactory(product=world.other_product, title="Their one")
    url = reverse("discovery:triage", kwargs={"product_id": world.product.pk})
    client = world.client("viewer")
    page = client.get(url).content.decode()
    assert "Big one" in page and "Small one" in page
    assert "Done one" not in page and "Their one" not in page
    assert "2 new" in page
    assert "Small one" not in client.get(url, {"segment": "enterprise"}).content.decode()
    assert "Big one" not in client.get(url, {"source": "review"}).content.decode()
    assert "Small one" not in client.get(url, {"tag": "billing"}).content.decode()
    assert world.client("outsider").get(url).status_code == 404


def test_target_search_finds_items_by_title_or_key_within_the_product(world):
    item = f.BacklogItemFactory(product=world.product, title="Faster refunds")
    f.BacklogItemFactory(product=world.other_product, title="Faster refunds elsewhere")
    idea = f.IdeaFactory(product=world.product, title="Refund in bulk")
    url = reverse("discovery:target_search", kwargs={"product_id": world.product.pk})
    html = world.client("viewer").get(url, {"q": "refund"}).content.decode()
    assert f"item:{item.pk}" in html and f"idea:{idea.pk}" in html and "elsewhere" not in html
    assert f"item:{item.pk}" in world.client("viewer").get(url, {"q": f"PAY-{item.number}"}).content.decode()


def test_api_lists_filter_notes_and_never_show_another_workspace(world, api):
    mine = f.FeedbackNoteFactory(product=world.product, tags=["billing"], sentiment_label="negative")
    f.FeedbackNoteFactory(product=world.product, tags=["export"])
    theirs = f.FeedbackNoteFactory(product=world.other_product, tags=["billing"])
    ids = [n["id"] for n in api("viewer").get("/api/v1/feedback/", {"tag": "billing"}).json()["results"]]
    assert ids == [mine.pk] and theirs.pk not in ids
    negative = api("viewer").get("/api/v1/feedback/", {"sentiment": "negative"}).json()["results"]
    assert [n["id"] for n in negative] == [mine.pk]
    assert FeedbackNote.objects.count() == 3


@pytest.mark.parametrize("role", ROLES)
def test_the_inbox_offers_linking_and_new_notes_to_editors_only(world, role):
    f.FeedbackNoteFactory(product=world.product, text="Refunds take a week to arrive.")
    page = world.client(role).get(reverse("discovery:triage", kwargs={"product_id": world.product.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "Refunds take a week" in html
    assert ('id="triage-passage"' in html) == (role in EDITORS)
    assert ('data-can-edit="1"' in html) == (role in EDITORS)

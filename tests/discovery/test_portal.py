"""The ideas portal: submissions wait for moderation; honeypot, rate limits and size caps keep abuse out."""

import pytest
from django.test import Client
from django.urls import reverse

from discovery.models import Idea, IdeaStatus, IdeaVote
from discovery.services.portal import portal_save
from tests import factories as f


@pytest.fixture
def portal(world):
    return portal_save(product=world.product, data={"is_open": True, "requires_sign_in": False}, actor=None)


def _submit(client, portal, **data):
    body = {"title": "Bulk refunds please", "problem": "Refunding 40 orders one by one.", "email": "ana@shop.example"}
    body.update(data)
    return client.post(reverse("discovery:portal", kwargs={"slug": portal.slug}), body)


def test_a_visitor_submits_an_idea_that_waits_for_moderation(world, portal):
    visitor = Client()
    assert _submit(visitor, portal).status_code == 302
    idea = Idea.objects.get(product=world.product)
    assert (idea.status, idea.proposer_email, idea.created_by) == (IdeaStatus.PENDING, "ana@shop.example", None)
    page = visitor.get(reverse("discovery:portal", kwargs={"slug": portal.slug})).content.decode()
    assert "Bulk refunds please" not in page  # not before a moderator approved it

    moderate = reverse("discovery:idea_moderate", kwargs={"product_id": world.product.pk, "pk": idea.pk})
    assert world.client("viewer").post(moderate, {"status": "open"}).status_code == 403
    assert world.client("contributor").post(moderate, {"status": "open"}).status_code == 302
    assert (
        "Bulk refunds please" in visitor.get(reverse("discovery:portal", kwargs={"slug": portal.slug})).content.decode()
    )


def test_the_honeypot_drops_bot_submissions_silently(world, portal):
    response = _submit(Client(), portal, website="http://spam.example")
    assert response.status_code == 302  # looks like a success to the bot
    assert not Idea.objects.exists()


def test_submissions_and_votes_are_rate_limited_per_client(world, portal, monkeypatch):
    monkeypatch.setattr("discovery.views.portal.SUBMITS_PER_HOUR", 2)
    visitor = Client()
    codes = [_submit(visitor, portal, title=f"Idea number {i}").status_code for i in range(3)]
    assert codes == [302, 302, 429]
    assert Idea.objects.count() == 2

    monkeypatch.setattr("discovery.views.portal.VOTES_PER_HOUR", 2)
    idea = f.IdeaFactory(product=world.product, status=IdeaStatus.OPEN)
    url = reverse("discovery:portal_vote", kwargs={"slug": portal.slug, "idea_id": idea.pk})
    codes = [visitor.post(url, {"email": f"v{i}@x.example"}).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    idea.refresh_from_db()
    assert idea.vote_count == 2


def test_oversized_or_link_stuffed_ideas_are_refused(world, portal):
    assert _submit(Client(), portal, problem="x" * 2001).status_code == 400
    assert _submit(Client(), portal, problem="see http://a http://b http://c").status_code == 400
    assert _submit(Client(), portal, email="not-an-address").status_code == 400
    assert not Idea.objects.exists()


def test_one_vote_per_email_and_a_known_customer_weighs_in(world, portal):
    customer = f.CustomerFactory(workspace=world.workspace, email_domain="initech.example", seats=50)
    idea = f.IdeaFactory(product=world.product, status=IdeaStatus.OPEN)
    url = reverse("discovery:portal_vote", kwargs={"slug": portal.slug, "idea_id": idea.pk})
    Client().post(url, {"email": "Ana@Initech.example"})
    Client().post(url, {"email": "ana@initech.example"})
    assert IdeaVote.objects.filter(idea=idea).count() == 1
    assert IdeaVote.objects.get(idea=idea).customer == customer
    pending = f.IdeaFactory(product=world.product, status=IdeaStatus.PENDING)
    hidden = reverse("discovery:portal_vote", kwargs={"slug": portal.slug, "idea_id": pending.pk})
    assert Client().post(hidden, {"email": "b@x.example"}).status_code == 404


def test_a_sign_in_portal_is_only_for_members_and_a_closed_one_for_nobody(world, portal):
    url = reverse("discovery:portal", kwargs={"slug": portal.slug})
    portal_save(product=world.product, data={"requires_sign_in": True}, actor=None)
    assert Client().get(url).status_code == 404
    assert world.client("outsider").get(url).status_code == 404
    assert world.client("viewer").get(url).status_code == 200
    portal_save(product=world.product, data={"is_open": False}, actor=None)
    assert world.client("viewer").get(url).status_code == 404


@pytest.mark.parametrize("role", ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"])
def test_portal_settings_are_changed_by_strategy_roles(world, role):
    url = reverse("discovery:portal_settings", kwargs={"product_id": world.product.pk})
    client = world.client(role)
    assert client.get(url).status_code == 200
    response = client.post(url, {"is_open": "on", "intro": "Tell us"})
    assert response.status_code == (302 if role in ("admin", "product_manager") else 403)
    assert world.client("outsider").get(url).status_code == 404

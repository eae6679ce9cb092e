"""Evidence on items and initiatives: counts, customer impact (importance × customer weight), promotion."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backlog.models import BacklogItem
from discovery.models import DiscoverySettings, Idea, IdeaStatus, Insight, WeightBasis
from discovery.selectors.evidence import item_impact_figures
from discovery.services.evidence import discovery_settings_update
from discovery.services.ideas import idea_promote, idea_vote
from discovery.services.insights import insight_create, insight_delete, insight_update
from discovery.weights import customer_weight
from roadmap.models import Initiative
from tests import factories as f

WEIGHTS = {"nice": Decimal(1), "important": Decimal(2), "critical": Decimal(3)}


def _link(note, importance="important", **target):
    return insight_create(instance=Insight(note=note, passage="", importance=importance, **target), actor=None)


def test_linking_and_unlinking_keep_the_item_figures_current(world):
    big = f.CustomerFactory(workspace=world.workspace, seats=500, revenue=Decimal("120000"))
    item = f.BacklogItemFactory(product=world.product)
    note = f.FeedbackNoteFactory(product=world.product, customer=big)
    anonymous = f.FeedbackNoteFactory(product=world.product)

    first = _link(note, "critical", item=item)
    _link(anonymous, "nice", item=item)
    item.refresh_from_db()
    assert (item.evidence_count, item.customer_impact) == (2, Decimal("4.00"))  # 3×1 + 1×1, flat weights

    discovery_settings_update(workspace=world.workspace, data={"weight_basis": WeightBasis.SEATS}, actor=None)
    item.refresh_from_db()
    assert item.customer_impact == Decimal("1501.00")  # 3×500 + 1×1

    insight_delete(insight=first)
    item.refresh_from_db()
    assert (item.evidence_count, item.customer_impact) == (1, Decimal("1.00"))


def test_a_passage_must_be_quoted_from_its_note_and_target_its_product(world):
    note = f.FeedbackNoteFactory(product=world.product, text="Refunds take a week to arrive.")
    elsewhere = f.BacklogItemFactory(product=f.ProductFactory(workspace=world.workspace))
    with pytest.raises(Exception, match="word for word"):
        insight_create(
            instance=Insight(note=note, passage="invented words", item=f.BacklogItemFactory(product=world.product)),
            actor=None,
        )
    with pytest.raises(Exception, match="another product"):
        insight_create(instance=Insight(note=note, passage="Refunds", item=elsewhere), actor=None)
    assert Insight.objects.count() == 0


def test_an_empty_passage_quotes_the_whole_note_on_creation_and_on_change_by_every_path(world, api):
    note = f.FeedbackNoteFactory(product=world.product, text="Refunds take a week to arrive.")
    item = f.BacklogItemFactory(product=world.product)
    insight = insight_create(instance=Insight(note=note, passage="Refunds", item=item), actor=None)
    insight_update(insight=insight, data={"passage": ""}, actor=None)
    insight.refresh_from_db()
    assert insight.passage == note.text
    client = api("admin")
    for method in (client.patch, client.put):
        client.patch(f"/api/v1/insights/{insight.pk}/", {"passage": "a week"}, format="json")
        answer = method(
            f"/api/v1/insights/{insight.pk}/",
            {"passage": "", "item": item.pk, "importance": "important"},
            format="json",
        )
        assert answer.status_code == 200, answer.content
        assert answer.json()["passage"] == note.text


def test_promoting_an_idea_moves_its_evidence_and_its_votes_count(world):
    customer = f.CustomerFactory(workspace=world.workspace, seats=10)
    idea = f.IdeaFactory(product=world.product)
    note = f.FeedbackNoteFactory(product=world.product, customer=customer)
    _link(note, "critical", idea=idea)
    idea_vote(idea=idea, identity="email:a@x.com", customer=customer)
    idea_vote(idea=idea, identity="email:a@x.com", customer=customer)  # once per voter
    idea_vote(idea=idea, identity="email:b@y.com")

    item = idea_promote(idea=idea, to="item", actor=world.users["product_manager"])

    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PROMOTED and idea.promoted_item_id == item.pk and idea.vote_count == 2
    assert list(Insight.objects.values_list("item_id", "idea_id")) == [(item.pk, None)]
    item.refresh_from_db()
    assert item.evidence_count == 3  # one insight, two votes
    assert item.customer_impact == Decimal("4.00")  # 3 + 0.5 + 0.5 (flat)


def test_promoting_to_an_initiative_needs_the_strategy_role(world, api):
    idea = f.IdeaFactory(product=world.product)
    url = f"/api/v1/ideas/{idea.pk}/promote/"
    assert api("contributor").post(url, {"to": "initiative"}, format="json").status_code == 403
    response = api("product_manager").post(url, {"to": "initiative"}, format="json")
    assert response.status_code == 201
    assert Initiative.objects.get(pk=response.json()["id"]).title == idea.title
    assert api("product_manager").post(url, {"to": "item"}, format="json").status_code == 400  # promoted already


def test_item_page_loads_the_evidence_fragment_with_quotes(world):
    customer = f.CustomerFactory(workspace=world.workspace, name="Initech", segment="smb")
    item = f.BacklogItemFactory(product=world.product)
    note = f.FeedbackNoteFactory(product=world.product, customer=customer, text="The export button hides in a menu.")
    insight_create(instance=Insight(note=note, passage="hides in a menu", importance="critical", item=item), actor=None)
    client = world.client("viewer")
    page = client.get(reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk}))
    fragment_url = reverse("discovery:item_evidence", kwargs={"product_id": world.product.pk, "pk": item.pk})
    assert fragment_url in page.content.decode()
    html = client.get(fragment_url).content.decode()
    assert "hides in a menu" in html and "Initech" in html and "Critical" in html
    assert world.client("outsider").get(fragment_url).status_code == 404
    theirs = f.BacklogItemFactory(product=world.other_product)
    other_url = reverse("discovery:item_evidence", kwargs={"product_id": world.product.pk, "pk": theirs.pk})
    assert client.get(other_url).status_code == 404


def test_backlog_filters_and_sorts_by_evidence(world):
    backed = f.BacklogItemFactory(product=world.product, title="Backed")
    f.BacklogItemFactory(product=world.product, title="Bare")
    _link(f.FeedbackNoteFactory(product=world.product), item=backed)
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    client = world.client("viewer")
    bare = client.get(url, {"evidence": "none"}).content.decode()
    assert "Bare" in bare and "Backed" not in bare
    ranked = client.get(url, {"ordering": "-customer_impact"}).content.decode()
    assert ranked.index("Backed") < ranked.index("Bare")


def test_reach_can_be_taken_from_the_customer_impact(world):
    item = f.BacklogItemFactory(product=world.product)
    _link(f.FeedbackNoteFactory(product=world.product), "critical", item=item)
    url = reverse("backlog:item_reach_from_impact", kwargs={"product_id": world.product.pk, "pk": item.pk})
    assert world.client("viewer").post(url).status_code == 403
    assert world.client("contributor").post(url).status_code == 302
    item.refresh_from_db()
    assert item.reach == 3


customers = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(min_value=0, max_value=5000)),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=10_000_000, places=2)),
    ),
    min_size=1,
    max_size=4,
)
links = st.lists(
    st.tuples(st.integers(min_value=0, max_value=4), st.sampled_from(["nice", "important", "critical"])),
    max_size=8,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(customers=customers, links=links, basis=st.sampled_from(WeightBasis.values))
def test_the_sql_impact_matches_its_plain_python_twin(customers, links, basis):
    """Set-based SQL (what is stored) against weights.customer_weight summed in Python."""
    workspace = f.WorkspaceFactory()
    product = f.ProductFactory(workspace=workspace)
    item = f.BacklogItemFactory(product=product)
    made = [f.CustomerFactory(workspace=workspace, seats=s, revenue=r) for s, r in customers]
    expected = Decimal(0)
    for index, importance in links:
        customer = made[index] if index < len(made) else None
        note = f.FeedbackNoteFactory(product=product, customer=customer)
        Insight.objects.create(note=note, passage="x", importance=importance, item=item)
        weight = customer_weight(basis=basis, revenue=customer and customer.revenue, seats=customer and customer.seats)
        expected += WEIGHTS[importance] * weight
    settings_row = DiscoverySettings(workspace=workspace, weight_basis=basis)
    impact, count = item_impact_figures(item_ids=[item.pk], settings=settings_row)[item.pk]
    assert count == len(links)
    assert impact == expected.quantize(Decimal("0.01"))
    assert BacklogItem.objects.filter(pk=item.pk).exists()
    assert Idea.objects.count() == 0


def test_customer_impact_is_a_custom_scorecard_criterion(world, django_capture_on_commit_callbacks):
    from prioritization.models import CriterionValue, CustomScore, ScorecardCriterion
    from prioritization.services.scorecard import criterion_create

    item = f.BacklogItemFactory(product=world.product, effort=Decimal("2"))
    with django_capture_on_commit_callbacks(execute=True):
        criterion = criterion_create(
            instance=ScorecardCriterion(product=world.product, name="Customers", weight=2, source="customer_impact"),
            actor=world.users["product_manager"],
        )
    assert CriterionValue.objects.get(criterion=criterion, item=item).value == 0
    with django_capture_on_commit_callbacks(execute=True):
        _link(f.FeedbackNoteFactory(product=world.product), "critical", item=item)
    assert CriterionValue.objects.get(criterion=criterion, item=item).value == 3
    assert CustomScore.objects.get(item=item).score == Decimal("3.00")  # 2 × 3 ÷ effort 2


def test_ranked_view_shows_impact_and_filters_no_evidence(world):
    backed = f.BacklogItemFactory(product=world.product, title="Backed", rice_score=Decimal("10"))
    f.BacklogItemFactory(product=world.product, title="Bare", rice_score=Decimal("20"))
    _link(f.FeedbackNoteFactory(product=world.product), "critical", item=backed)
    url = reverse("prioritization:ranking", kwargs={"product_id": world.product.pk})
    client = world.client("viewer")
    page = client.get(url, {"framework": "rice"}).content.decode()
    assert "Backed" in page and "Bare" in page and "Impact" in page
    bare = client.get(url, {"framework": "rice", "evidence": "none"}).content.decode()
    assert "Bare" in bare and "Backed" not in bare


def test_the_items_api_reads_the_customer_impact_and_evidence_count_in_the_list_and_the_detail(world):
    """Integrations see what the evidence weighs on every item (read-only: discovery keeps it)."""
    item = f.BacklogItemFactory(product=world.product)
    _link(f.FeedbackNoteFactory(product=world.product), "critical", item=item)
    client = world.client("viewer")
    listed = client.get("/api/v1/items/", {"product": world.product.pk}).json()["results"]
    detail = client.get(f"/api/v1/items/{item.pk}/").json()
    for row in ([r for r in listed if r["id"] == item.pk][0], detail):
        assert (row["customer_impact"], row["evidence_count"]) == ("3.00", 1)
    editor = world.client("product_owner")
    sent = editor.patch(f"/api/v1/items/{item.pk}/", {"customer_impact": "99.00"}, content_type="application/json")
    assert sent.status_code == 400 and BacklogItem.objects.get(pk=item.pk).customer_impact == Decimal("3.00")

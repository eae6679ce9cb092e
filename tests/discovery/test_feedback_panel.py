"""The dashboards' feedback panel: volume and sentiment by week, top themes, roadmap effort backed by evidence."""

import pytest
from django.urls import reverse

from discovery.models import FeedbackTheme, Insight
from discovery.services.insights import insight_create
from tests import factories as f


def test_the_panel_counts_our_notes_and_the_backed_share_of_roadmap_effort(world):
    backed = f.InitiativeFactory(product=world.product)
    bare = f.InitiativeFactory(product=world.product)
    f.BacklogItemFactory(product=world.product, initiative=backed, story_points=3)
    f.BacklogItemFactory(product=world.product, initiative=bare, story_points=1)
    note = f.FeedbackNoteFactory(product=world.product, sentiment_score=-0.5, sentiment_label="negative")
    f.FeedbackNoteFactory(product=world.product, sentiment_score=0.5, sentiment_label="positive")
    f.FeedbackNoteFactory(product=world.other_product)
    insight_create(instance=Insight(note=note, passage="", initiative=backed), actor=None)
    FeedbackTheme.objects.create(
        product=world.product, period_start="2027-01-01", period_end="2027-03-31", label="refunds, slow", size=2
    )
    FeedbackTheme.objects.create(
        product=world.other_product,
        period_start="2027-01-01",
        period_end="2027-03-31",
        label="their secret theme",
        size=9,
    )

    html = (
        world.client("executive")
        .get(reverse("discovery:workspace_feedback_panel", kwargs={"workspace_id": world.workspace.pk}))
        .content.decode()
    )
    assert '<td class="num">2</td>' in html  # this week's two notes, not the other workspace's
    assert "75 %" in html  # 3 of 4 planned points serve an initiative with evidence
    assert "refunds, slow" in html and "their secret theme" not in html
    dashboard = (
        world.client("executive")
        .get(reverse("dashboards:workspace_dashboard", kwargs={"workspace_id": world.workspace.pk}))
        .content.decode()
    )
    assert reverse("discovery:workspace_feedback_panel", kwargs={"workspace_id": world.workspace.pk}) in dashboard


@pytest.mark.parametrize("role", ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"])
def test_every_member_reads_the_panel_and_outsiders_do_not(world, role):
    url = reverse("discovery:product_feedback_panel", kwargs={"product_id": world.product.pk})
    assert world.client(role).get(url).status_code == 200
    assert world.client("outsider").get(url).status_code == 404


def test_the_backed_share_follows_evidence_linked_after_a_visit(world):
    """The share is cached by the workspace's figures version: evidence linked to an initiative (whose
    count discovery writes after the insight) must show on the next visit, not a stale figure."""
    backed = f.InitiativeFactory(product=world.product)
    f.BacklogItemFactory(product=world.product, initiative=backed, story_points=1)
    f.BacklogItemFactory(product=world.product, initiative=f.InitiativeFactory(product=world.product), story_points=1)
    url = reverse("discovery:product_feedback_panel", kwargs={"product_id": world.product.pk})
    client = world.client("executive")
    assert "50 %" not in client.get(url).content.decode()
    insight_create(
        instance=Insight(note=f.FeedbackNoteFactory(product=world.product), passage="", initiative=backed), actor=None
    )
    assert "50 %" in client.get(url).content.decode()  # 1 of 2 planned points now backed


def test_an_initiative_evidence_count_written_alone_bumps_the_figures(world):
    """The roadmap's evidence writer bumps the figures itself (a refresh may run in a task, after the
    write that announced the insight)."""
    from core.figures import figures_version
    from roadmap.services.evidence import initiative_customer_impact_set

    initiative = f.InitiativeFactory(product=world.product)
    before = figures_version(workspace_id=world.workspace.pk)
    initiative_customer_impact_set(figures={initiative.pk: (1, 1)})
    assert figures_version(workspace_id=world.workspace.pk) > before

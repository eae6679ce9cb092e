"""Goal links at both ends: the initiative form's key results grouped by product and objective, and a
key result's page listing the initiatives that serve it (and the KPI it tracks)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f


def test_key_results_are_grouped_by_product_and_objective(world):
    mine = f.ObjectiveFactory(
        workspace=world.workspace, product=world.product, title="Faster checkout", period="2027-Q1"
    )
    other = f.ObjectiveFactory(workspace=world.workspace, title="Faster checkout", period="2027-Q2")
    a = f.KeyResultFactory(objective=mine, title="Checkout under 30 s")
    b = f.KeyResultFactory(objective=other, title="Checkout under 30 s")
    f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.other_workspace), title="Rival goal")
    body = (
        world.client("product_manager")
        .get(reverse("roadmap:initiative_create", kwargs={"product_id": world.product.pk}))
        .content.decode()
    )
    assert body.index('label="Payments · Faster checkout (2027-Q1)"') < body.index(
        'label="Whole workspace · Faster checkout (2027-Q2)"'
    )
    assert f'value="{a.pk}"' in body and f'value="{b.pk}"' in body and "Rival goal" not in body
    assert 'data-filterable="Search key results"' in body


def test_a_key_result_lists_the_initiatives_serving_it(world):
    kpi = f.KPIFactory(product=world.product, name="Checkout conversion")
    kr = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace), kpi=kpi)
    serving = f.InitiativeFactory(product=world.product, title="One-page checkout")
    serving.key_results.add(kr)
    f.InitiativeFactory(product=world.product, title="Dark mode")
    body = (
        world.client("viewer")
        .get(reverse("okrs:key_result_detail", kwargs={"workspace_id": world.workspace.pk, "pk": kr.pk}))
        .content.decode()
    )
    assert "One-page checkout" in body and "Dark mode" not in body
    assert "tracks the KPI" in body and "No check-ins yet" not in body


def test_a_key_result_lists_the_items_serving_it_with_their_progress_in_constant_queries(world):
    kr = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace), title="Checkout under 30 s")
    serving = f.InitiativeFactory(product=world.product, title="One-page checkout")
    serving.key_results.add(kr)
    other = f.InitiativeFactory(product=world.product, title="Dark mode")
    f.BacklogItemFactory(product=world.product, title="Night palette", initiative=other)
    epic = f.BacklogItemFactory(product=world.product, title="Express pay", kind="epic", initiative=serving)
    f.BacklogItemFactory(product=world.product, title="Pay in one tap", parent=epic, story_points=3)
    f.BacklogItemFactory(
        product=world.product,
        title="Drop the address step",
        initiative=serving,
        story_points=5,
        status="done",
        done_at=timezone.now(),
    )
    theirs = f.InitiativeFactory(product=world.other_product, title="Rival checkout")
    f.BacklogItemFactory(product=world.other_product, title="Rival item", initiative=theirs)
    url = reverse("okrs:key_result_detail", kwargs={"workspace_id": world.workspace.pk, "pk": kr.pk})
    client = world.client("viewer")
    few = queries_of(client, url)
    for n in range(25):
        f.BacklogItemFactory(product=world.product, title=f"Step {n}", parent=epic)

    many = queries_of(client, url)
    body = client.get(url).content.decode()

    assert many == few <= 10  # pinned: more items do not mean more queries (4 of them for what serves)
    assert "One-page checkout" in body and "Dark mode" not in body and "Night palette" not in body
    assert "Rival" not in body
    for title in ("Express pay", "Pay in one tap", "Drop the address step", "Step 24"):
        assert title in body
    assert "(via epic" in body and "1 of 28 items done" in body
    assert "5 of 6 points done (2 items)" in body  # the initiative's own items: the epic (1 point) and 5 done


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)

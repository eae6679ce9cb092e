"""Goal links at both ends: the initiative form's key results grouped by product and objective, and a
key result's page listing the initiatives that serve it (and the KPI it tracks)."""

from django.urls import reverse

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

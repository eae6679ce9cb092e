from django.urls import reverse

from backlog.models import BacklogItem
from tests import factories as f

from .conftest import drag, screenshot


def test_plan_a_sprint_by_drag_and_see_the_capacity_bar(world, signed_in):
    product = world.product
    sprint = f.SprintFactory(product=product, name="Sprint 7", capacity_points=10, goal="Refunds end to end")
    small = f.BacklogItemFactory(product=product, title="Refund button", story_points=5)
    large = f.BacklogItemFactory(product=product, title="Refund ledger", story_points=8)
    page = signed_in(world.users["product_owner"])
    page.goto(reverse("backlog:sprint_plan", kwargs={"product_id": product.pk, "pk": sprint.pk}))
    assert "0 of 10 points planned" in page.locator("[data-capacity]").inner_text()

    sprint_list = page.locator("[data-plan-list='sprint']")
    with page.expect_response(lambda r: "/plan/item/" in r.url and r.status == 200):
        drag(page, page.locator(f".plan-card[data-item-id='{small.pk}'] .plan-card-main"), sprint_list, target_y=0.5)
    page.locator("[data-capacity]", has_text="5 of 10 points planned").wait_for()
    # The keyboard-friendly button does the same.
    page.get_by_role("button", name=f"Add {large.key} to Sprint 7").click()
    page.wait_for_load_state()
    capacity = page.locator("[data-capacity]").inner_text()
    assert "13 of 10 points planned" in capacity and "over capacity by 3 points" in capacity
    assert set(BacklogItem.objects.filter(sprint=sprint).values_list("pk", flat=True)) == {small.pk, large.pk}
    screenshot(page, "sprint-plan")


def test_accept_and_reject_finished_work_and_see_the_burndown(world, signed_in):
    product = world.product
    sprint = f.SprintFactory(product=product, name="Sprint 8", capacity_points=20, status="active")
    good = f.BacklogItemFactory(product=product, title="Refund button", story_points=5, sprint=sprint, status="done")
    bad = f.BacklogItemFactory(product=product, title="Refund mail", story_points=3, sprint=sprint, status="done")
    page = signed_in(world.users["product_owner"])
    page.goto(reverse("backlog:sprint_detail", kwargs={"product_id": product.pk, "pk": sprint.pk}))
    assert page.locator("svg[data-burndown] polyline.ideal").count() == 1
    page.get_by_role("button", name=f"Accept {good.key}").click()
    page.wait_for_load_state()
    page.get_by_label(f"Why is {bad.key} rejected?").fill("The mail has no order number.")
    page.get_by_role("button", name=f"Reject {bad.key}").click()
    page.wait_for_load_state()
    assert "rejected and back in the backlog" in page.locator(".messages").inner_text()
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "accepted" and good.sprint_id == sprint.pk
    assert (bad.status, bad.sprint_id, bad.rejection_reason) == ("rejected", None, "The mail has no order number.")
    screenshot(page, "sprint-review")
    page.goto(reverse("backlog:item_list", kwargs={"product_id": product.pk}))
    assert "The mail has no order number." in page.locator(f"#item-{bad.pk}").inner_text()

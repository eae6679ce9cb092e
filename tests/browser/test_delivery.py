"""Delivery planning in a browser: complete a sprint with carry-over; a dependency arrow turns into a
conflict after a drag on the timeline."""

from datetime import date, timedelta

from django.urls import reverse

from backlog.models import BacklogItem, Sprint
from backlog.services.sprints import sprint_start
from tests import factories as f

from .conftest import drag, screenshot


def test_complete_a_sprint_and_carry_unfinished_work_into_the_next(world, signed_in):
    product = world.product
    today = date.today()
    sprint = f.SprintFactory(
        product=product, name="Sprint 8", start_date=today - timedelta(days=13), end_date=today - timedelta(days=2)
    )
    f.SprintFactory(product=product, name="Sprint 9", start_date=today, end_date=today + timedelta(days=11))
    done = f.BacklogItemFactory(product=product, title="Refund button", story_points=5, sprint=sprint, status="done")
    open_ = f.BacklogItemFactory(product=product, title="Refund mail", story_points=3, sprint=sprint, status="ready")
    sprint_start(sprint=sprint, actor=world.users["product_owner"])
    page = signed_in(world.users["product_owner"])
    page.goto(reverse("backlog:sprint_detail", kwargs={"product_id": product.pk, "pk": sprint.pk}))
    assert "still active" in page.locator("[data-date-warning]").inner_text()
    page.locator("[data-sprint-complete]").click()
    page.wait_for_load_state()
    assert page.locator("[data-unfinished] li").all_inner_texts() == [f"{open_.key} Refund mail Ready 3 pts"]
    page.get_by_label("The next planned sprint (Sprint 9)").check()
    screenshot(page, "sprint-complete")
    page.get_by_role("button", name="Complete the sprint").click()
    page.wait_for_load_state()
    assert "Sprint review: Sprint 8" in page.locator("h1").inner_text()
    assert "Refund mail → Sprint 9" in page.locator("[data-carried]").inner_text()
    assert "Carried over (1): " in page.locator("[data-summary]").input_value()
    assert Sprint.objects.get(pk=sprint.pk).status == "closed"
    assert BacklogItem.objects.get(pk=open_.pk).sprint.name == "Sprint 9"
    assert BacklogItem.objects.get(pk=done.pk).sprint_id == sprint.pk
    page.goto(reverse("backlog:sprint_detail", kwargs={"product_id": product.pk, "pk": sprint.pk}))
    assert page.locator("[data-remaining]").inner_text() == "3"  # the spillover stays in the chart


def test_a_conflicting_dependency_arrow_appears_after_a_drag(world, signed_in):
    product = world.product
    theme = f.ThemeFactory(product=product, name="Checkout", order=1)
    start = date.today().replace(day=1) + timedelta(days=40)
    blocker = f.InitiativeFactory(
        product=product, title="Risk engine", theme=theme, start_date=start, end_date=start + timedelta(days=20)
    )
    waiter = f.InitiativeFactory(
        product=product,
        title="Wallets",
        theme=theme,
        start_date=start + timedelta(days=35),
        end_date=start + timedelta(days=60),
    )
    waiter.depends_on.add(blocker)
    page = signed_in(world.users["product_manager"])
    page.goto(reverse("roadmap:timeline", kwargs={"product_id": product.pk}))
    arrow = page.locator(f"path[data-arrow][data-from='{blocker.pk}'][data-to='{waiter.pk}']")
    arrow.wait_for(state="attached")
    assert "conflict" not in (arrow.get_attribute("class") or "")
    assert page.locator("path[data-arrow].conflict").count() == 0

    # Drag "Wallets" about four weeks earlier: it now starts before the risk engine ends.
    day = page.locator(".tl-track").first.bounding_box()["width"] / int(
        page.locator("[data-timeline]").get_attribute("data-days")
    )
    bar = page.locator(f"[data-bar][data-initiative-id='{waiter.pk}'] .tl-bar-title")
    with page.expect_response(lambda r: "/reschedule/" in r.url and r.status == 200):
        drag(page, bar, None, dx=-28 * day)
    conflict = page.locator(f"path[data-arrow].conflict[data-from='{blocker.pk}'][data-to='{waiter.pk}']")
    conflict.wait_for(state="attached")
    assert page.locator("path[data-arrow].conflict").count() == 1
    waiter.refresh_from_db()
    assert waiter.start_date <= blocker.end_date
    screenshot(page, "timeline-dependency-conflict")

    # The zoom links keep the arrows.
    page.locator("[data-zoom-link='year']").click()
    page.wait_for_load_state()
    page.locator("path[data-arrow].conflict").wait_for(state="attached")
    assert page.locator("[data-timeline]").get_attribute("data-zoom") == "year"

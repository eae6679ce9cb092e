"""A product owner applies the ranking to the backlog and undoes it; the matrix's dots lead to their items.

Both pages are checked with axe-core (zero violations) and at 390 px (no sideways scrolling).
"""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from backlog.models import BacklogItem
from prioritization.models import Scenario
from tests import factories as f
from workspaces.models import Role

from .conftest import sign_in
from .test_accessibility import AXE, RUN_AXE

pytestmark = pytest.mark.browser


def order(product) -> list[str]:
    return list(BacklogItem.objects.filter(product=product).order_by("rank", "id").values_list("title", flat=True))


@pytest.fixture
def backlog(transactional_db):
    workspace = f.WorkspaceFactory(name="Acme")
    owner = f.UserFactory(username="po")
    f.MembershipFactory(workspace=workspace, user=owner, role=Role.PRODUCT_OWNER)
    product = f.ProductFactory(workspace=workspace, name="Payments", key="PAY")
    for title, reach, effort in [("Dark mode", 100, "8"), ("Pay by link", 5000, "2"), ("Refunds", 800, "1")]:
        f.BacklogItemFactory(
            product=product,
            title=title,
            status="ready",
            reach=reach,
            impact=D("2"),
            confidence=80,
            effort=D(effort),
            rice_score=D(reach) * D("1.6") / D(effort),
        )
    f.BacklogItemFactory(product=product, title="Half-known", status="ready", reach=10)
    return owner, product


def axe_violations(page) -> list:
    return page.evaluate(RUN_AXE)  # axe-core is injected by an init script (the CSP refuses inline ones)


def test_apply_the_ranking_then_undo_it(browser_page, live_server, backlog):
    owner, product = backlog
    page = browser_page
    sign_in(page, owner, live_server.url)
    page.add_init_script(path=str(AXE))
    assert order(product) == ["Dark mode", "Pay by link", "Refunds", "Half-known"]
    page.goto(f"/products/{product.pk}/priorities/")

    page.get_by_role("button", name="Apply this ranking to the backlog").click()
    page.wait_for_selector("#prio-apply >> text=items moved")

    assert order(product) == ["Pay by link", "Refunds", "Dark mode", "Half-known"]
    assert "The ranking was applied to the backlog" in page.locator("#prio-apply").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Undo: restore the previous order").click()
    page.wait_for_selector("#prio-apply >> text=put back in its previous order")
    assert order(product) == ["Dark mode", "Pay by link", "Refunds", "Half-known"]
    assert page.get_by_role("button", name="Undo: restore the previous order").count() == 0


def test_the_matrix_dots_are_labelled_focusable_and_lead_to_their_items(browser_page, live_server, backlog):
    owner, product = backlog
    page = browser_page
    sign_in(page, owner, live_server.url)
    page.add_init_script(path=str(AXE))
    page.goto(f"/products/{product.pk}/priorities/matrix/")
    dots = page.locator("svg.matrix a.dot")
    assert dots.count() == 3
    assert page.locator("svg.matrix text.dot-key").all_text_contents() == [
        f"PAY-{i.number}" for i in BacklogItem.objects.filter(product=product, rice_score__gt=0).order_by("-rice_score")
    ]
    svg_width = page.locator("svg.matrix").bounding_box()["width"]
    content_width = page.locator("main").bounding_box()["width"]
    assert svg_width > 0.8 * content_width  # fills the content width, not 390 px
    assert axe_violations(page) == []

    page.locator("svg.matrix a.dot").first.focus()  # keyboard: a dot takes the focus, Enter follows it
    page.keyboard.press("Enter")
    page.wait_for_url("**/items/**")
    assert "Pay by link" in page.locator("h1").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/products/{product.pk}/priorities/matrix/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.locator("svg.matrix a.dot").nth(1).click()
    page.wait_for_url("**/items/**")
    assert "Refunds" in page.locator("h1").inner_text()


def test_a_scenario_picks_an_item_by_search_with_the_keyboard(browser_page, live_server, backlog):
    _, product = backlog
    manager = f.UserFactory(username="pm")
    f.MembershipFactory(workspace=product.workspace, user=manager, role=Role.PRODUCT_MANAGER)
    scenario = Scenario.objects.create(product=product, name="Push refunds")
    page = browser_page
    sign_in(page, manager, live_server.url)
    page.add_init_script(path=str(AXE))
    page.goto(f"/products/{product.pk}/priorities/scenarios/{scenario.pk}/")

    picker = page.get_by_role("combobox", name="Item")
    picker.focus()
    page.keyboard.type("refu")
    expect(page.locator("[data-search-list] [role=option]")).to_have_count(
        1
    )  # the matches of "refu", not the first suggestions
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert picker.input_value().endswith("Refunds")
    page.get_by_label("Input").select_option("reach")
    page.get_by_label("Value").fill("9000")
    page.get_by_role("button", name="Change in the scenario").click()
    page.wait_for_selector("text=reach → 9000")

    refunds = BacklogItem.objects.get(product=product, title="Refunds")
    scenario.refresh_from_db()
    assert scenario.item_inputs == {str(refunds.pk): {"reach": "9000"}}
    assert axe_violations(page) == []

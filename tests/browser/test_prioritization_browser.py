"""A product manager re-prioritises in a real Chromium and reads why the first item is first."""

from decimal import Decimal as D

import pytest
from django.conf import settings
from django.test import Client

from tests import factories as f
from workspaces.models import Role

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def signed_in_page(live_server, transactional_db):
    """A Chromium page signed in as a product manager of a product with three items; fails on console errors."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    workspace = f.WorkspaceFactory(name="Acme")
    pm = f.UserFactory(username="pm")
    f.MembershipFactory(workspace=workspace, user=pm, role=Role.PRODUCT_MANAGER)
    product = f.ProductFactory(workspace=workspace, name="Payments", key="PAY")
    common = {"impact": D("2"), "confidence": 80, "effort": D("4")}
    f.BacklogItemFactory(product=product, title="Dark mode", reach=100, **common)
    f.BacklogItemFactory(product=product, title="Pay by link", reach=5000, **common)
    f.BacklogItemFactory(product=product, title="Half-known", reach=10)
    client = Client()
    client.force_login(pm)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        # This branch predates main's favicon fix; the icon is not what this test is about.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, product, live_server.url
        browser.close()
    assert errors == []


def test_re_prioritise_then_read_the_breakdown(signed_in_page):
    page, product, base = signed_in_page
    page.goto(f"{base}/products/{product.pk}/priorities/")
    assert page.locator("table.ranking tbody tr").count() == 0  # nothing scored until a run
    page.get_by_role("button", name="Re-prioritise").click()
    page.wait_for_selector("table.ranking")
    titles = page.locator("table.ranking tbody tr td:nth-child(2) a:first-of-type").all_inner_texts()
    assert titles == ["Pay by link", "Dark mode"]
    page.locator("table.ranking details.why summary").first.click()
    assert page.locator("table.ranking details.why .factors").first.is_visible()
    assert "5,000 × 2 × 0.8 ÷ 4 = 2000.00" in page.locator("table.ranking details.why summary").first.inner_text()
    assert "confidence, effort" in page.locator("#unscored").inner_text()
    page.get_by_role("link", name="Value vs effort").click()
    assert page.locator("svg.matrix circle").count() == 2

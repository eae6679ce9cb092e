"""The dashboard in Debian's Chromium: every chart is drawn from the vendored Chart.js, without a console error."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from okrs.periods import period_of
from okrs.services.rollup import workspace_rollup, workspace_snapshot
from tests import factories as f
from workspaces.models import Membership, Role

CHROMIUM = "/usr/bin/chromium"


def _console_error(message, errors: list[str]) -> None:
    # The app has no favicon yet (Chromium asks for one on every page); that is not this page's error.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        errors.append(f"{message.text} ({message.location.get('url')})")


@pytest.mark.browser
def test_the_dashboard_draws_its_charts(live_server, transactional_db, monkeypatch, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    product = f.ProductFactory(name="Payments", key="PAY")
    viewer = f.UserFactory(username="viewer_in_browser")
    Membership.objects.create(workspace=product.workspace, user=viewer, role=Role.VIEWER)
    today = timezone.localdate()
    period = period_of(today)
    kpi = f.KPIFactory(product=product, name="Activation", unit="%")
    objective = f.ObjectiveFactory(workspace=product.workspace, product=product, period=period, title="Delight")
    key_result = f.KeyResultFactory(objective=objective, kpi=kpi, start_value=D("30"), target_value=D("50"))
    for days_ago, value in ((20, "31"), (10, "35"), (0, "41")):
        f.MeasurementFactory(kpi=kpi, value=D(value), measured_at=timezone.now() - timedelta(days=days_ago))
    f.MeasurementFactory(kpi=None, key_result=key_result, value=D("41"), confidence=40, note="Legal review")
    workspace_rollup(workspace_id=product.workspace_id)
    workspace_snapshot(workspace_id=product.workspace_id, day=today)
    client = Client()
    client.force_login(viewer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the live server thread reads while Playwright runs
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        page.on("console", lambda message: _console_error(message, errors))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
        page.goto(f"{live_server.url}/products/{product.pk}/dashboard/")
        page.wait_for_function("() => window.Chart !== undefined")
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('canvas[data-chart]')]"
            ".map((c) => [c.dataset.chart, Boolean(window.Chart.getChart(c))])"
        )
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        assert page.get_by_role("cell", name="Legal review").first.is_visible()
        browser.close()
    assert sorted(drawn) == [["history", True], ["kpi-line", True], ["kpi-spark", True]]
    assert errors == []

"""Every page of the app's URL list, as each role: zero axe-core violations of any impact, and no page
wider than a 390 px phone screen.

The URL list is the one the page-permission tests use (tests/test_page_permissions.PAGES: list,
detail, and for writers the create and edit forms), plus the pages that are not generic ones
(dashboards, roadmap board and timeline, sprint planning, prioritisation, the workspace pages).
axe-core is a pinned copy from the npm registry (tests/browser/assets/axe-core-<version>/, with its
licence), injected as an init script so the page's Content-Security-Policy does not refuse it.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from backlog.models import BacklogItem
from backlog.services.items import item_update
from roadmap.models import Initiative
from roadmap.selectors.timeline_pages import TIMELINE_PAGE, UNSCHEDULED_SHOWN
from tests import factories as f
from tests.test_page_permissions import PAGES, ROLES

from .conftest import sign_in

AXE = Path(__file__).parent / "assets" / "axe-core-4.14.1" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await window.axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(
      n => n.target.join(" ") + " — " + n.failureSummary.split("\\n").slice(0, 2).join(" ")),
  }));
}"""


def _populate(world):
    """Objects for each page to show: a backlog with an epic and its stories, a sprint, a KPI with
    measurements, a key result serving an initiative."""
    product = world.product
    theme = f.ThemeFactory(product=product, name="Checkout conversion", color="#0ea5e9")
    start = date.today().replace(day=1)
    initiative = f.InitiativeFactory(
        product=product, theme=theme, title="One-page checkout", start_date=start, end_date=start + timedelta(days=80)
    )
    # Not "Sprint <n>": the factory names other sprints so, and the count depends on the tests run before.
    sprint = f.SprintFactory(product=product, name="Checkout sprint", capacity_points=20)
    epic = f.BacklogItemFactory(product=product, kind="epic", title="Saved cards", initiative=initiative)
    for n, title in enumerate(("Save a card at checkout", "Pay with a saved card", "Remove a saved card")):
        item = f.BacklogItemFactory(
            product=product, title=title, parent=epic, story_points=n + 2, sprint=sprint if n == 0 else None
        )
        f.CriterionFactory(item=item)
    item_update(item=epic, data={"labels": ["payments", "mobile web"]}, actor=None)  # chips on its page
    kpi = f.KPIFactory(product=product)
    objective = f.ObjectiveFactory(workspace=world.workspace, product=product)
    f.KeyResultFactory(objective=objective, kpi=kpi)
    # More initiatives than a board column and a timeline page show: "Show more", pagers, "and N more".
    Initiative.objects.bulk_create(
        [
            Initiative(
                product=product,
                title=f"Roadmap bet {n}",
                horizon="now",
                rank=(100 + n) * 1024,
                theme=theme if n % 2 else None,
                start_date=start + timedelta(days=3 * n) if n < TIMELINE_PAGE + 2 else None,
                end_date=start + timedelta(days=3 * n + 40) if n < TIMELINE_PAGE + 2 else None,
            )
            for n in range(TIMELINE_PAGE + 2 + UNSCHEDULED_SHOWN + 1)
        ]
    )
    return sprint


def app_urls(world, role: str) -> list[str]:
    urls = []
    for page in PAGES:
        with transaction.atomic():
            obj = page.obj(world)
        urls += [page.url("list", world), page.url("detail", world, obj)]
        if role in page.writers:
            urls += [page.url("create", world), page.url("edit", world, obj)]
    with transaction.atomic():
        sprint = _populate(world)
    labelled = BacklogItem.objects.get(product=world.product, title="Saved cards")
    p, w = {"product_id": world.product.pk}, {"workspace_id": world.workspace.pk}
    urls += [
        reverse("home"),
        reverse("dashboards:product_dashboard", kwargs=p),
        reverse("dashboards:workspace_dashboard", kwargs=w),
        reverse("roadmap:board", kwargs=p),
        reverse("roadmap:timeline", kwargs=p),
        reverse("roadmap:timeline", kwargs=p) + "?zoom=month&page=2",
        reverse("roadmap:board", kwargs=p) + f"?now_after={(100 + 30) * 1024}.0",
        reverse("roadmap:portfolio", kwargs=w),
        reverse("backlog:sprint_plan", kwargs={**p, "pk": sprint.pk}),
        reverse("prioritization:ranking", kwargs=p),
        reverse("prioritization:matrix", kwargs=p),
        reverse("prioritization:moscow", kwargs=p),
        reverse("prioritization:settings", kwargs=p),
        reverse("prioritization:scenario_list", kwargs=p),
        reverse("workspaces:member_list", kwargs=w),
        reverse("integrations:token_list"),
        reverse("accounts:security"),
        reverse("search:search") + "?q=card",
        reverse("backlog:item_list", kwargs=p) + "?group=status&status=new",
        reverse("backlog:item_list", kwargs=p) + "?label=payments",
        reverse("backlog:item_detail", kwargs={**p, "pk": labelled.pk}),
    ]
    return urls


# The elements that end past the right edge while their children do not: where the page overflows.
WIDEST = """() => Array.from(document.querySelectorAll("body *"))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
    && !Array.from(el.children).some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : ""))"""


@pytest.fixture
def axe_page(browser_page):
    browser_page.add_init_script(path=str(AXE))
    return browser_page


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_an_axe_violation(world, axe_page, live_server, role):
    page = axe_page
    sign_in(page, world.users[role], live_server.url)
    found = {}
    for url in app_urls(world, role):
        response = page.goto(url)
        assert response.status < 400, (url, response.status)
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[url] = violations
    assert not found, "\n".join(f"{url}: {v}" for url, v in found.items())


def test_no_page_is_wider_than_a_phone(world, browser_page, live_server):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, world.users["admin"], live_server.url)
    too_wide = {}
    for url in app_urls(world, "admin"):
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            too_wide[url] = (width, page.evaluate(WIDEST))
    assert not too_wide, "\n".join(
        f"{url}: {width} px, past the edge: {culprits}" for url, (width, culprits) in too_wide.items()
    )

"""The pages under the Content-Security-Policy in Chromium: nothing is refused, and the sizes,
positions and colours that templates pass as data attributes are applied (first render and after
a partial refresh). The browser_page fixture fails a test on any console error, CSP reports included."""

from datetime import date, timedelta
from decimal import Decimal as D

from django.urls import reverse

from tests import factories as f

VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def _px(page, selector: str, prop: str) -> float:
    return page.locator(selector).first.evaluate(f"(el) => parseFloat(getComputedStyle(el).{prop})")


def test_the_timeline_places_and_colours_its_bars_under_the_policy(world, signed_in):
    product = world.product
    theme = f.ThemeFactory(product=product, name="Checkout", color="#0ea5e9", order=1)
    start = date.today().replace(day=1) + timedelta(days=40)
    initiative = f.InitiativeFactory(
        product=product, title="Wallets", theme=theme, start_date=start, end_date=start + timedelta(days=59)
    )
    page = signed_in(world.users["product_manager"])
    page.add_init_script(VIOLATIONS)
    response = page.goto(reverse("roadmap:timeline", kwargs={"product_id": product.pk}))
    assert "script-src 'self'" in response.headers["content-security-policy"]

    bar = f"[data-bar][data-initiative-id='{initiative.pk}']"
    left, width = _px(page, bar, "left"), _px(page, bar, "width")
    track = page.locator(".tl-track").first.evaluate("(el) => el.getBoundingClientRect().width")
    assert 0 < left < track and 0.05 * track < width < 0.6 * track
    assert page.locator(bar).evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgb(14, 165, 233)"
    assert (
        page.locator(".tl-lane-label .swatch").first.evaluate("(el) => getComputedStyle(el).backgroundColor")
        == "rgb(14, 165, 233)"
    )
    month_lefts = page.locator(".tl-months span").evaluate_all("(spans) => spans.map((s) => s.offsetLeft)")
    assert month_lefts == sorted(month_lefts) and len(set(month_lefts)) == len(month_lefts) > 3

    # A week later by keyboard: the timeline is fetched again and its new bar placed again.
    with page.expect_response(lambda r: "/reschedule/" in r.url and r.status == 200):
        page.locator(bar).press("ArrowRight")
    page.wait_for_function(
        "([selector, before]) => { const el = document.querySelector(selector);"
        " return el && parseFloat(getComputedStyle(el).left) > before; }",
        arg=[bar, left],
    )
    assert page.evaluate("() => window.cspViolations") == []


def test_progress_bars_show_their_share_under_the_policy(world, signed_in):
    product = world.product
    sprint = f.SprintFactory(product=product, name="Sprint 9", capacity_points=10)
    f.BacklogItemFactory(product=product, title="Refund button", story_points=5, sprint=sprint)
    objective = f.ObjectiveFactory(workspace=world.workspace, product=product)
    key_result = f.KeyResultFactory(
        objective=objective, start_value=D("0"), target_value=D("100"), current_value=D("25")
    )
    page = signed_in(world.users["product_owner"])
    page.add_init_script(VIOLATIONS)

    page.goto(reverse("backlog:sprint_plan", kwargs={"product_id": product.pk, "pk": sprint.pk}))
    page.wait_for_function(
        "() => { const bar = document.querySelector('[data-capacity] .progress');"
        " const w = bar.querySelector('span').getBoundingClientRect().width / bar.getBoundingClientRect().width;"
        " return Math.abs(w - 0.5) < 0.02; }",
        timeout=5000,
    )
    share = page.locator("[data-capacity] .progress").evaluate(
        "(bar) => bar.querySelector('span').getBoundingClientRect().width / bar.getBoundingClientRect().width"
    )
    assert abs(share - 0.5) < 0.02

    page.goto(reverse("okrs:key_result_detail", kwargs={"workspace_id": world.workspace.pk, "pk": key_result.pk}))
    # The bar grows with a short CSS transition: measure once it has settled.
    page.wait_for_function(
        "() => { const bar = document.querySelector('.progress');"
        " const w = bar.querySelector('span').getBoundingClientRect().width / bar.getBoundingClientRect().width;"
        " return Math.abs(w - 0.25) < 0.02; }",
        timeout=5000,
    )
    share = page.locator(".progress").first.evaluate(
        "(bar) => bar.querySelector('span').getBoundingClientRect().width / bar.getBoundingClientRect().width"
    )
    assert abs(share - 0.25) < 0.02
    assert page.evaluate("() => window.cspViolations") == []


def test_the_api_docs_work_under_their_policy(browser_page):
    page = browser_page
    page.add_init_script(VIOLATIONS)
    response = page.goto(reverse("api-docs"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".swagger-ui .opblock").first.wait_for()
    # Swagger UI renders a long list virtually (what is on screen only): scroll through it to the last tag.
    tags: set = set()
    for _ in range(400):
        tags |= set(page.locator(".swagger-ui .opblock-tag").evaluate_all("els => els.map(e => e.dataset.tag)"))
        if page.locator("#operations-tag-workspaces").count():
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(50)
    assert "workspaces" in tags and len(tags) >= 15  # the last of the API's sections, and most on the way
    assert page.evaluate("() => window.cspViolations") == []

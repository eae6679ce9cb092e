from datetime import date, timedelta

from django.urls import reverse

from roadmap.models import Initiative, RoadmapShareLink
from roadmap.selectors.columns import BOARD_PAGE
from tests import factories as f

from .conftest import drag, screenshot


def _column(page, horizon) -> list[str]:
    return page.locator(f"[data-horizon='{horizon}'] [data-initiative-id]").evaluate_all(
        "cards => cards.map(c => c.dataset.title)"
    )


def test_create_an_initiative_and_move_it_across_now_next_later(world, signed_in):
    product = world.product
    f.InitiativeFactory(product=product, title="Faster payouts", horizon="now")
    f.InitiativeFactory(product=product, title="Fraud checks", horizon="now")
    page = signed_in(world.users["product_manager"])
    page.goto(reverse("roadmap:initiative_create", kwargs={"product_id": product.pk}))
    page.get_by_label("Title").fill("One-click checkout")
    page.get_by_label("Horizon").select_option("later")
    page.get_by_role("button", name="Create").click()
    page.wait_for_load_state()
    created = Initiative.objects.get(title="One-click checkout")
    page.goto(reverse("roadmap:board", kwargs={"product_id": product.pk}))
    assert _column(page, "later") == ["One-click checkout"]
    assert _column(page, "now") == ["Faster payouts", "Fraud checks"]
    screenshot(page, "board")

    # Drag it from Later onto the top of Now.
    card = page.locator(f"[data-initiative-id='{created.pk}']")
    target = page.locator("[data-horizon='now'] [data-initiative-id]").first
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        drag(page, card.locator("[data-move-handle]"), target, target_y=0.15)
    page.reload()
    assert _column(page, "now") == ["One-click checkout", "Faster payouts", "Fraud checks"]
    assert _column(page, "later") == []

    # Keyboard: Arrow Right sends it to the top of Next, Arrow Down within the column does nothing more here.
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        page.locator(f"[data-initiative-id='{created.pk}'] [data-move-handle]").press("ArrowRight")
    page.reload()
    assert _column(page, "next") == ["One-click checkout"]
    created.refresh_from_db()
    assert created.horizon == "next"


def test_drag_a_bar_on_the_timeline_to_reschedule_and_change_its_theme(world, signed_in):
    product = world.product
    checkout = f.ThemeFactory(product=product, name="Checkout", color="#0ea5e9", order=1)
    trust = f.ThemeFactory(product=product, name="Trust", color="#10b981", order=2)
    start = date.today().replace(day=1) + timedelta(days=40)
    initiative = f.InitiativeFactory(
        product=product, title="Wallets", theme=checkout, start_date=start, end_date=start + timedelta(days=59)
    )
    blocker = f.InitiativeFactory(
        product=product, title="Risk engine", theme=trust, start_date=start, end_date=start + timedelta(days=90)
    )
    initiative.depends_on.add(blocker)
    f.ReleaseFactory(product=product, name="2027.1", target_date=start + timedelta(days=30))
    page = signed_in(world.users["product_manager"])
    page.goto(reverse("roadmap:timeline", kwargs={"product_id": product.pk}))
    assert "starts" in page.locator("[data-timeline-region] .warning").inner_text()  # dependency warning
    screenshot(page, "timeline")
    bar = page.locator(f"[data-bar][data-initiative-id='{initiative.pk}']")

    # Keyboard: Arrow Right moves the bar a week later.
    with page.expect_response(lambda r: "/reschedule/" in r.url and r.status == 200):
        bar.press("ArrowRight")
    initiative.refresh_from_db()
    assert (initiative.start_date, initiative.end_date) == (start + timedelta(days=7), start + timedelta(days=66))

    # Drag it about a month to the right and down into the Trust lane (once the timeline is drawn again).
    page.locator(f"[data-bar][data-start='{initiative.start_date.isoformat()}']").wait_for()
    day = page.locator(".tl-track").first.bounding_box()["width"] / int(
        page.locator("[data-timeline]").get_attribute("data-days")
    )
    bar = page.locator(f"[data-bar][data-initiative-id='{initiative.pk}']")
    lane = page.locator(f"[data-lane='{trust.pk}'] .tl-track")
    box, lane_box = bar.bounding_box(), lane.bounding_box()
    with page.expect_response(lambda r: "/reschedule/" in r.url and r.status == 200):
        drag(
            page,
            bar.locator(".tl-bar-title"),
            None,
            dx=30 * day,
            dy=lane_box["y"] + lane_box["height"] - 8 - (box["y"] + box["height"] / 2),
        )
    initiative.refresh_from_db()
    assert initiative.theme_id == trust.pk
    moved = (initiative.start_date - (start + timedelta(days=7))).days
    assert 27 <= moved <= 33
    assert (initiative.end_date - initiative.start_date).days == 59  # same length

    # Resize: drag the right edge two weeks further.
    page.locator(f"[data-lane='{trust.pk}'] [data-bar][data-initiative-id='{initiative.pk}']").wait_for()
    handle = page.locator(f"[data-bar][data-initiative-id='{initiative.pk}'] [data-resize]")
    with page.expect_response(lambda r: "/reschedule/" in r.url and r.status == 200):
        drag(page, handle, None, dx=14 * day)
    before_start = initiative.start_date
    initiative.refresh_from_db()
    assert initiative.start_date == before_start
    assert 72 <= (initiative.end_date - initiative.start_date).days <= 75


def test_shared_roadmap_link_works_signed_out_until_revoked(world, signed_in, browser_page):
    product = world.product
    f.InitiativeFactory(product=product, title="Faster payouts", horizon="now", description="Internal: margin is thin")
    page = signed_in(world.users["product_manager"])
    page.goto(reverse("roadmap:board", kwargs={"product_id": product.pk}))
    page.get_by_label("Who is it for?").fill("Board review")
    page.get_by_role("button", name="Create link").click()
    url = page.locator("[data-share-url]").input_value()
    link = RoadmapShareLink.objects.get(label="Board review")
    assert link.token_hash not in url and link.token_prefix in url  # only the hash is stored

    visitor = browser_page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        shared = visitor.new_page()
        errors = []
        shared.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        shared.goto(url)
        assert "Faster payouts" in shared.content()
        assert "margin is thin" not in shared.content()  # no internal notes
        assert shared.locator(".topbar .user").count() == 0  # not signed in
        screenshot(shared, "shared")
        assert errors == []

        page.get_by_role("button", name="Revoke Board review").click()
        page.wait_for_load_state()
        assert "revoked" in page.locator(".messages").inner_text()
        response = shared.goto(url)
        assert response.status == 404
        assert "Faster payouts" not in shared.content()
    finally:
        visitor.close()


def test_show_more_loads_the_next_cards_in_place_and_they_move_like_the_others(world, signed_in):
    product = world.product
    cards = Initiative.objects.bulk_create(
        [Initiative(product=product, title=f"Bet {n:02d}", horizon="now", rank=(n + 1) * 1024) for n in range(30)]
    )
    page = signed_in(world.users["product_manager"])
    page.goto(reverse("roadmap:board", kwargs={"product_id": product.pk}))
    assert _column(page, "now") == [f"Bet {n:02d}" for n in range(BOARD_PAGE)]
    assert page.locator("[data-col-count='now']").inner_text() == "30"

    # Keyboard: the "Show more" link appends the next cards and focus moves to the first of them.
    more = page.locator("#more-now [data-show-more]")
    more.focus()
    with page.expect_response(lambda r: "/roadmap/columns/now/" in r.url and r.status == 200):
        page.keyboard.press("Enter")
    page.locator(f"[data-initiative-id='{cards[29].pk}']").wait_for()
    assert _column(page, "now") == [f"Bet {n:02d}" for n in range(30)]
    assert page.evaluate("() => document.activeElement.textContent") == f"Bet {BOARD_PAGE:02d}"
    assert page.locator("#more-now [data-show-more]").count() == 0  # the end of the column
    assert page.url.endswith(f"/roadmap/?now_through={(30) * 1024}.{cards[29].pk}")  # nothing reloaded…
    page.reload()  # …and a reload (or a live update) keeps the cards loaded
    assert _column(page, "now") == [f"Bet {n:02d}" for n in range(30)]

    # A loaded card moves with the keyboard like any other: anchored on its new neighbour.
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        page.locator(f"[data-initiative-id='{cards[27].pk}'] [data-move-handle]").press("ArrowUp")
    order = list(Initiative.objects.filter(product=product, horizon="now").order_by("rank", "id"))
    assert [i.title for i in order[-5:]] == ["Bet 25", "Bet 27", "Bet 26", "Bet 28", "Bet 29"]
    # Into another column: the counts follow.
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        page.locator(f"[data-initiative-id='{cards[29].pk}'] [data-move-handle]").press("ArrowRight")
    assert page.locator("[data-col-count='now']").inner_text() == "29"
    assert page.locator("[data-col-count='next']").inner_text() == "1"
    assert Initiative.objects.get(pk=cards[29].pk).horizon == "next"

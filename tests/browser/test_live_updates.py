"""Two people on one backlog, each in their own Chromium context, against uvicorn (SSE over Redis).

A reorders and edits; B's page follows without a reload, says who did it, shows a conflict on the
row B is editing instead of overwriting it, and B's unread count rises when A changes what B watches
and when A mentions B in a comment.
"""

import pytest
from django.urls import reverse

from backlog.models import BacklogItem
from notifications.models import Watch
from tests import factories as f

from .conftest import JsErrors, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _context(chromium, base, user):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=base)
    context.set_default_timeout(8000)
    page = context.new_page()
    errors = JsErrors()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.js_errors = errors
    sign_in(page, user, base)
    return context, page


def _keys(page) -> list[str]:
    return page.locator("[data-backlog] tbody tr[data-item-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.itemKey)"
    )


def test_a_second_user_sees_moves_edits_and_conflicts_live(chromium, asgi_base, live_settings, world):
    a, b = world.users["product_owner"], world.users["admin"]
    items = [f.BacklogItemFactory(product=world.product, title=t) for t in ("Pay by link", "Refunds", "Invoices")]
    Watch.objects.create(workspace=world.workspace, user=b, target_type="item", target_id=items[1].pk)
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    context_a, page_a = _context(chromium, asgi_base, a)
    context_b, page_b = _context(chromium, asgi_base, b)
    try:
        page_b.goto(url)
        page_b.wait_for_selector("body[data-live-ready=sse]")
        page_a.goto(url)
        page_a.wait_for_selector("body[data-live-ready=sse]")
        keys = _keys(page_b)
        assert page_b.locator("[data-unread-count]").inner_text().startswith("0")

        # Presence: each sees the other.
        page_b.wait_for_function(
            "() => document.querySelector('[data-live-presence-list]').textContent.includes('product_owner_user')",
            timeout=15000,
        )

        # A sends the last row to the top with the keyboard.
        page_a.locator(f"tr[data-item-key='{keys[-1]}'] [data-move-handle]").focus()
        with page_a.expect_response(lambda r: "/move/" in r.url and r.status == 200):
            page_a.keyboard.press("Home")
        expected = [keys[-1], *keys[:-1]]
        page_b.wait_for_function(
            """expected => JSON.stringify(Array.from(document.querySelectorAll(
                "[data-backlog] tbody tr[data-item-id]"), r => r.dataset.itemKey)) === JSON.stringify(expected)""",
            arg=expected,
            timeout=3000,
        )
        page_b.wait_for_selector(".toast:has-text('product_owner_user moved')")

        # A edits another row inline (B watches it): B's row and unread count follow.
        refunds = f"tr#item-{items[1].pk}"
        page_a.locator(refunds).get_by_role("button", name="Edit").click()
        page_a.locator(f"{refunds} input[name=title]").fill("Refunds in one click")
        with page_a.expect_response(lambda r: "/inline/" in r.url and r.request.method == "POST"):
            page_a.locator(f"{refunds} input[name=title]").press("Enter")
        page_b.wait_for_selector(f"{refunds}:has-text('Refunds in one click')", timeout=3000)
        page_b.wait_for_function(
            "() => document.querySelector('[data-unread-count]').textContent.trim() === '1'", timeout=5000
        )

        # B is editing a row when A changes it: B's form stays, with a notice; nothing is overwritten.
        invoices = f"tr#item-{items[2].pk}"
        page_b.locator(invoices).get_by_role("button", name="Edit").click()
        page_b.locator(f"{invoices} input[name=title]").fill("B's draft title")
        page_a.locator(invoices).get_by_role("button", name="Edit").click()
        page_a.locator(f"{invoices} input[name=title]").fill("A's title")
        with page_a.expect_response(lambda r: "/inline/" in r.url and r.request.method == "POST"):
            page_a.locator(f"{invoices} input[name=title]").press("Enter")
        page_b.wait_for_selector(f"{invoices} [data-live-conflict]", timeout=3000)
        assert page_b.locator(f"{invoices} input[name=title]").input_value() == "B's draft title"
        with page_b.expect_response(lambda r: "/inline/" in r.url and r.request.method == "POST"):
            page_b.locator(f"{invoices} input[name=title]").press("Enter")
        page_b.wait_for_selector(f"{invoices} .conflict")  # the usual version check shows both values
        assert BacklogItem.objects.get(pk=items[2].pk).title == "A's title"

        # A mentions B in a comment on another item: B's unread count rises on the page B has open.
        page_a.goto(reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": items[0].pk}))
        page_a.get_by_label("Add a comment").fill("Can you check the wording, @admin_user ?")
        page_a.get_by_role("button", name="Comment", exact=True).click()
        page_a.locator(".comment-body .mention", has_text="@admin_user").wait_for()
        page_b.wait_for_function(
            "() => document.querySelector('[data-unread-count]').textContent.trim() === '2'", timeout=5000
        )
        page_b.goto(reverse("notifications:inbox"))
        assert "product_owner_user mentioned you in a comment" in page_b.locator("[data-inbox]").inner_text()
    finally:
        context_a.close()
        context_b.close()
    page_a.js_errors.check()
    page_b.js_errors.check()


def test_without_redis_the_page_polls_and_still_follows(signed_in, live_server, settings, world):
    """`make run`'s default (WSGI, no Redis): live.js polls the events endpoint, ETags keep it cheap."""
    from backlog.services.items import item_move, item_update

    settings.LIVE_REDIS_URL = ""
    settings.LIVE_POLL_SECONDS = 1
    items = [f.BacklogItemFactory(product=world.product, title=t) for t in ("One", "Two", "Three")]
    page = signed_in(world.users["viewer"])
    page.goto(reverse("backlog:item_list", kwargs={"product_id": world.product.pk}))
    page.wait_for_selector("body[data-live-ready=poll]")
    before = _keys(page)
    item_move(item=items[2], actor=world.users["product_owner"], position="top")
    item_update(
        item=BacklogItem.objects.get(pk=items[0].pk), data={"title": "One, renamed"}, actor=world.users["admin"]
    )
    expected = [before[-1], *before[:-1]]
    page.wait_for_function(
        """expected => JSON.stringify(Array.from(document.querySelectorAll(
            "[data-backlog] tbody tr[data-item-id]"), r => r.dataset.itemKey)) === JSON.stringify(expected)""",
        arg=expected,
        timeout=5000,
    )
    page.wait_for_selector(f"tr#item-{items[0].pk}:has-text('One, renamed')")


def test_the_board_planning_and_timeline_follow_changes_made_elsewhere(chromium, asgi_base, live_settings, world):
    """Changes made by services (as the API or another page would) reach the other live pages."""
    from datetime import date

    from backlog.services.sprints import sprint_plan_item
    from roadmap.models import Initiative
    from roadmap.services.board import initiative_move, initiative_reschedule

    pm = world.users["product_manager"]
    wallets = f.InitiativeFactory(product=world.product, title="Wallets", horizon="later")
    f.InitiativeFactory(
        product=world.product, title="Ledger", horizon="now", start_date=date(2027, 1, 4), end_date=date(2027, 2, 26)
    )
    sprint = f.SprintFactory(product=world.product)
    item = f.BacklogItemFactory(product=world.product, title="Refunds", story_points=5)
    context, page = _context(chromium, asgi_base, world.users["viewer"])
    try:
        page.goto(reverse("roadmap:board", kwargs={"product_id": world.product.pk}))
        page.wait_for_selector("body[data-live-ready=sse]")
        initiative_move(initiative=wallets, actor=pm, horizon="now", position="top")
        page.wait_for_selector("[data-horizon=now] [data-title='Wallets']", timeout=3000)
        assert page.locator("#col-now .count").inner_text() == "2"  # roadmap.js recounts after a live refresh
        assert page.locator("#col-later .count").inner_text() == "0"

        page.goto(reverse("backlog:sprint_plan", kwargs={"product_id": world.product.pk, "pk": sprint.pk}))
        page.wait_for_selector("body[data-live-ready=sse]")
        sprint_plan_item(item=item, sprint=sprint, actor=world.users["product_owner"])
        page.wait_for_selector(f"[data-plan-list=sprint] [data-item-id='{item.pk}']", timeout=3000)

        page.goto(reverse("roadmap:timeline", kwargs={"product_id": world.product.pk}))
        page.wait_for_selector("body[data-live-ready=sse]")
        ledger = Initiative.objects.get(title="Ledger")
        initiative_reschedule(
            initiative=ledger, actor=pm, start_date=date(2027, 3, 1), end_date=date(2027, 4, 30), version=ledger.version
        )
        page.wait_for_selector(f"[data-bar][data-initiative-id='{ledger.pk}'][data-start='2027-03-01']", timeout=3000)
        page.wait_for_selector(".toast:has-text('product_manager_user changed')")
    finally:
        context.close()
    page.js_errors.check()

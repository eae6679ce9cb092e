from django.urls import reverse

from backlog.models import AcceptanceCriterion, BacklogItem
from backlog.services import items as services
from tests import factories as f
from tests.factories import PASSWORD

from .conftest import drag, screenshot


def _keys(page) -> list[str]:
    return page.locator("[data-backlog] tbody tr[data-item-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.itemKey)"
    )


def _wait_for_keys(page, expected: list[str]) -> None:
    """The rows reach `expected` order: the page moves a row once the server has answered, which
    can be a moment after Playwright sees the response."""
    page.wait_for_function(
        """expected => JSON.stringify(Array.from(
            document.querySelectorAll("[data-backlog] tbody tr[data-item-id]"), r => r.dataset.itemKey
        )) === JSON.stringify(expected)""",
        arg=expected,
        timeout=5000,
    )


def _db_keys(product) -> list[str]:
    return [i.key for i in BacklogItem.objects.filter(product=product).select_related("product").order_by("rank")]


def test_sign_in_then_reorder_the_backlog_by_drag_and_by_keyboard(world, browser_page):
    page = browser_page
    for title in ("Pay by link", "Refunds", "Invoices", "Wallets"):
        f.BacklogItemFactory(product=world.product, title=title, story_points=3)
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    # Sign in through the form.
    page.goto(url)
    page.get_by_label("Username").fill("product_owner_user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{url}")
    before = _keys(page)
    assert len(before) == 4
    screenshot(page, "backlog")

    # Drag the last row above the first.
    last, first = before[-1], before[0]
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        drag(
            page,
            page.locator(f"tr[data-item-key='{last}'] [data-move-handle]"),
            page.locator(f"tr[data-item-key='{first}']"),
            target_y=0.2,
        )
    expected = [last, *before[:-1]]
    assert _db_keys(world.product) == expected
    page.reload()
    assert _keys(page) == expected

    # Keyboard: focus the handle of the second row and press Arrow Down.
    moved = expected[1]
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        page.locator(f"tr[data-item-key='{moved}'] [data-move-handle]").press("ArrowDown")
    expected = [expected[0], expected[2], moved, expected[3]]
    page.reload()
    assert _keys(page) == expected == _db_keys(world.product)

    # End sends the first row to the bottom of the whole backlog.
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        page.locator(f"tr[data-item-key='{expected[0]}'] [data-move-handle]").press("End")
    expected = [*expected[1:], expected[0]]
    _wait_for_keys(page, expected)
    assert _keys(page) == expected
    page.reload()
    assert _keys(page) == expected == _db_keys(world.product)


def test_inline_edit_saves_without_reload_and_refuses_a_stale_write(world, signed_in):
    item = f.BacklogItemFactory(product=world.product, title="Pay by link", story_points=3)
    page = signed_in(world.users["contributor"])
    page.goto(reverse("backlog:item_list", kwargs={"product_id": world.product.pk}))
    row = page.locator(f"#item-{item.pk}")
    row.get_by_role("button", name="Edit").click()
    editor = page.locator(f"#item-{item.pk} form.inline-edit")
    editor.get_by_label("Title").fill("Pay by payment link")
    editor.get_by_label("Story points").fill("5")
    # Meanwhile someone else saves the same item.
    services.item_update(item=BacklogItem.objects.get(pk=item.pk), data={"title": "Pay by QR code"}, actor=None)
    editor.get_by_role("button", name="Save").click()
    conflict = page.locator(".conflict")
    conflict.wait_for()
    assert "Pay by QR code" in conflict.inner_text()
    item.refresh_from_db()
    assert (item.title, item.story_points) == ("Pay by QR code", 3)  # nothing overwritten
    # The editor now holds the newer values; saving again applies the change on top of them.
    assert page.locator(f"#item-{item.pk}").get_by_label("Title").input_value() == "Pay by QR code"
    page.locator(f"#item-{item.pk}").get_by_label("Story points").fill("5")
    page.locator(f"#item-{item.pk}").get_by_role("button", name="Save").click()
    page.locator(f"#item-{item.pk} td.num").first.wait_for()
    item.refresh_from_db()
    assert (item.title, item.story_points) == ("Pay by QR code", 5)
    assert "5" in page.locator(f"#item-{item.pk}").inner_text()


def test_story_editor_adds_reorders_and_ticks_criteria(world, signed_in):
    item = f.BacklogItemFactory(product=world.product, title="Refunds", kind="story")
    page = signed_in(world.users["contributor"])
    page.goto(reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk}))
    assert "No “so that”" in page.locator(".hints").inner_text()
    page.get_by_label("As a").fill("shop owner")
    page.get_by_label("I want").fill("to refund an order")
    page.get_by_label("So that").fill("unhappy customers get their money back")
    page.get_by_role("button", name="Save story").click()
    page.wait_for_load_state()
    assert "No “so that”" not in page.locator("#story").inner_text()

    for text in (
        "Given a paid order, when I refund it, then the customer is credited.",
        "Given a refunded order, when I open it, then I see the refund.",
    ):
        page.get_by_label("New criterion").fill(text)
        with page.expect_response(lambda r: "/criteria/" in r.url):
            page.get_by_role("button", name="Add criterion").click()
        page.locator("#criteria li[data-criterion]", has_text=text[:20]).wait_for()
    assert "No acceptance criteria" not in page.locator("#story-hints").inner_text()  # hints follow the change
    screenshot(page, "story")
    # Move the second criterion up, then tick it.
    page.locator("#criteria li[data-criterion]").nth(1).get_by_role("button", name="Move criterion up").click()
    page.locator("#criteria li[data-criterion]").first.filter(has_text="refunded order").wait_for()
    page.locator("#criteria li[data-criterion]").first.get_by_role("checkbox").click()
    page.locator("#criteria li.met").wait_for()
    page.reload()
    texts = page.locator("#criteria li[data-criterion] .text").all_inner_texts()
    assert texts[0].startswith("Given a refunded order") and texts[1].startswith("Given a paid order")
    criteria = list(AcceptanceCriterion.objects.filter(item=item).order_by("order"))
    assert [c.met for c in criteria] == [True, False]

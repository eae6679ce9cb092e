"""The backlog as a PO uses it every day: triage to a sprint with the keyboard only, filters that
apply as they are chosen, a saved view, and bulk changes of a shift-click range without a reload."""

from django.urls import reverse

from backlog.models import BacklogItem, SavedView
from tests import factories as f

IN_SPRINT = """([name, n]) => Array.from(document.querySelectorAll("td[data-prop=sprint]"))
  .filter(cell => cell.textContent.includes(name)).length === n"""


def _keys(page) -> list[str]:
    return page.locator("[data-backlog] tr[data-item-id]").evaluate_all("rows => rows.map(r => r.dataset.itemKey)")


def _backlog(world):
    made = {}
    for title, status in [
        ("Refund to the original card", "ready"),
        ("Export invoices as PDF", "new"),
        ("Apple Pay at checkout", "ready"),
        ("Retry failed webhooks", "ready"),
    ]:
        made[title] = f.BacklogItemFactory(product=world.product, title=title, status=status)
    return made


def test_triage_to_sprint_with_the_keyboard_only(world, signed_in):
    items = _backlog(world)
    sprint = f.SprintFactory(product=world.product, name="Sprint 7")
    page = signed_in(world.users["product_owner"])
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    page.goto(url)
    # ? shows the shortcuts; Escape closes them.
    page.keyboard.press("?")
    assert page.get_by_role("dialog", name="Keyboard shortcuts").is_visible()
    page.keyboard.press("Escape")

    # Filter: / focuses the search, Tab reaches the status chip, typing chooses "Ready": applied at once.
    page.keyboard.press("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "status"
    with page.expect_response(lambda r: "status=ready" in r.url and r.status == 200):
        page.keyboard.type("Rea")
    page.wait_for_url("**/items/?status=ready")
    ready = [i.key for i in items.values() if i.status == "ready"]
    page.wait_for_function("n => document.querySelectorAll('[data-backlog] tr[data-item-id]').length === n", arg=3)
    assert _keys(page) == ready

    # Rank within the view: the third visible row goes above the second (its visible neighbour).
    active_key = "() => document.activeElement.closest('tr').dataset.itemKey"
    page.keyboard.press("Escape")  # from the filters back to the rows: the first one
    assert page.evaluate(active_key) == ready[0]
    page.keyboard.press("j")
    assert page.evaluate(active_key) == ready[1]
    page.keyboard.press("j")
    third = ready[2]
    page.keyboard.press("Shift+Tab")  # the row's move handle
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        page.keyboard.press("ArrowUp")
    order = [i.key for i in BacklogItem.objects.filter(product=world.product).select_related("product")]
    # One manual order: the hidden (new) item keeps its place, the move is relative to the visible one.
    assert order == [ready[0], items["Export invoices as PDF"].key, third, ready[1]]

    # Edit a property: p opens the points popover on the focused row; Enter saves.
    page.keyboard.press("Tab")  # back to the row's title
    with page.expect_response(lambda r: "/props/" in r.url and r.status == 200):
        page.keyboard.press("p")
        page.keyboard.type("5")
        page.keyboard.press("Enter")
    moved = BacklogItem.objects.get(product=world.product, number=int(third.split("-")[1]))
    assert moved.story_points == 5
    # Focus is back on the row, so the next key acts on it.
    page.wait_for_function("k => document.activeElement.closest('tr')?.dataset.itemKey === k", arg=third)

    # Select it and the row below (x, j, x), then i: both go into the sprint, typed ahead.
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator("[data-bulk-count]").inner_text() == "2 selected"
    page.keyboard.press("i")
    page.keyboard.type("print 7")
    with page.expect_response(lambda r: "/props/" in r.url and r.status == 200):
        page.keyboard.press("Enter")
    page.wait_for_function(IN_SPRINT, arg=["Sprint 7", 2])
    planned = set(BacklogItem.objects.filter(sprint=sprint).values_list("number", flat=True))
    assert planned == {int(third.split("-")[1]), int(ready[1].split("-")[1])}
    # e edits the title in place.
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("Retry failed webhooks with backoff")
    with page.expect_response(lambda r: "/props/" in r.url and r.status == 200):
        page.keyboard.press("Enter")
    assert BacklogItem.objects.filter(title="Retry failed webhooks with backoff").exists()


def test_filters_apply_at_once_a_view_is_saved_and_a_range_changes_in_place(world, signed_in):
    _backlog(world)
    sprint = f.SprintFactory(product=world.product, name="Sprint 8")
    page = signed_in(world.users["product_owner"])
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    page.goto(url)
    page.evaluate("() => { window.notReloaded = true; }")
    with page.expect_response(lambda r: "group=status" in r.url):
        page.get_by_label("Group by").select_option("status")
    page.wait_for_url("**/items/?group=status")
    assert page.locator(".group-row").all_inner_texts() == ["New 1", "Ready 3"]
    assert page.evaluate("() => window.notReloaded")

    # Save it as a shared view; it is in the sidebar, and comes back through the product menu.
    page.get_by_label("Save this view as").fill("By status")
    page.get_by_label("Share with the workspace").check()
    page.get_by_role("button", name="Save view").click()
    page.wait_for_url("**/items/?group=status")
    assert SavedView.objects.get(name="By status").shared
    assert page.locator(".view-list [aria-current=page]").inner_text() == "By status"
    page.get_by_role("navigation", name="Product").get_by_role("link", name="Overview").click()
    page.get_by_role("navigation", name="Product").get_by_role("link", name="Backlog").click()
    page.wait_for_url("**/items/?group=status")

    # Shift-click a range of three boxes, and move them into the sprint without a reload.
    page.evaluate("() => { window.notReloaded = true; }")
    boxes = page.locator("input[name=ids]")
    boxes.nth(1).click()
    boxes.nth(3).click(modifiers=["Shift"])
    assert page.locator("[data-bulk-count]").inner_text() == "3 selected"
    page.locator("[data-bulk] select[name=sprint]").select_option(label="Sprint 8")
    with page.expect_response(lambda r: "/props/" in r.url):
        page.get_by_role("button", name="Apply to selected").click()
    page.wait_for_function(IN_SPRINT, arg=["Sprint 8", 3])
    assert page.evaluate("() => window.notReloaded")
    assert BacklogItem.objects.filter(sprint=sprint).count() == 3

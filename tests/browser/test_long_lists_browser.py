"""The parent picker searched as you type (keyboard and mouse), and the backlog's keyset pages."""

from django.urls import reverse

from backlog.models import RANK_GAP, BacklogItem
from tests import factories as f


def test_pick_a_parent_by_typing_then_page_through_the_backlog(world, signed_in):
    BacklogItem.objects.bulk_create(
        [
            BacklogItem(product=world.product, number=n, rank=n * RANK_GAP, title=f"Feature {n}", kind="feature")
            for n in range(1, 131)
        ]
    )
    checkout = f.BacklogItemFactory(
        product=world.product, kind="epic", title="Checkout revamp", number=500, rank=500 * RANK_GAP
    )
    item = f.BacklogItemFactory(product=world.product, title="Pay by link", number=501, rank=501 * RANK_GAP)
    page = signed_in(world.users["product_owner"])
    page.goto(reverse("backlog:item_edit", kwargs={"product_id": world.product.pk, "pk": item.pk}))
    combobox = page.get_by_role("combobox", name="Parent")
    combobox.fill("checkout")
    option = page.get_by_role("option", name="PAY-500 Checkout revamp")
    option.wait_for()
    combobox.press("ArrowDown")
    combobox.press("Enter")
    assert combobox.input_value() == "PAY-500 Checkout revamp"
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/items/*/")
    item.refresh_from_db()
    assert item.parent_id == checkout.pk

    page.goto(reverse("backlog:item_list", kwargs={"product_id": world.product.pk}))
    assert page.locator("[data-backlog] tbody tr[data-item-id]").count() == 100
    page.get_by_role("link", name="Next →").click()
    assert page.locator("[data-backlog] tbody tr[data-item-id]").count() == 32
    page.get_by_label("Jump to item").fill("PAY-120")
    page.get_by_role("button", name="Go").click()
    first = page.locator("[data-backlog] tbody tr[data-item-id]").first
    assert first.get_attribute("data-item-key") == "PAY-120"

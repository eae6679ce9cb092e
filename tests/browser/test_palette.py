"""The command palette: Ctrl-K anywhere, type a few letters, Enter opens the item; Escape gives focus back."""

from django.urls import reverse

from tests import factories as f


def test_ctrl_k_finds_an_item_by_a_prefix_and_opens_it(world, signed_in):
    item = f.BacklogItemFactory(product=world.product, title="Refund to the original card")
    f.BacklogItemFactory(product=world.other_product, title="Refund the rival's shoppers")
    page = signed_in(world.users["viewer"])
    page.goto(reverse("dashboards:product_dashboard", kwargs={"product_id": world.product.pk}))
    page.keyboard.press("Control+k")
    palette = page.get_by_role("combobox", name="Search or run a command")
    assert palette.is_visible()
    palette.press("Escape")
    assert not palette.is_visible()

    page.keyboard.press("Control+k")
    with page.expect_response(lambda r: "/api/v1/search/" in r.url and r.status == 200):
        page.keyboard.type("refu orig")
    page.get_by_role("option", name=f"{item.key} Refund to the original card").wait_for()
    assert page.get_by_role("option").filter(has_text="rival").count() == 0
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('backlog:item_detail', kwargs={'product_id': world.product.pk, 'pk': item.pk})}")

    # Commands: the product's sections by name.
    page.keyboard.press("Control+k")
    page.keyboard.type("Roadm")
    page.get_by_role("option", name="Go to Roadmap").wait_for()
    page.keyboard.press("Enter")
    page.wait_for_url("**/roadmap/")

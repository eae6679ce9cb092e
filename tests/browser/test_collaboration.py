from django.urls import reverse

from backlog.models import BacklogItem
from collaboration.models import Comment
from tests import factories as f


def test_comment_with_a_keyboard_mention_then_delete_the_item_and_undo(world, signed_in):
    item = f.BacklogItemFactory(product=world.product, title="Refund button")
    page = signed_in(world.users["product_manager"])
    page.goto(reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk}))

    box = page.get_by_label("Add a comment")
    box.fill("Ready for review, @product_o")
    box.press("End")
    box.press_sequentially("w")  # typing opens the suggestions, fetched from the workspace's members
    page.get_by_role("option").filter(has_text="product_owner_user").wait_for()
    box.press("Enter")  # the keyboard picks the highlighted one
    assert box.input_value() == "Ready for review, @product_owner_user "
    box.press_sequentially("**thanks**")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.locator(".comment-body strong", has_text="thanks").wait_for()
    assert page.locator(".comment-body .mention").inner_text() == "@product_owner_user"
    assert list(Comment.objects.get().mentions.all()) == [world.users["product_owner"]]

    page.get_by_role("link", name="Delete").first.click()
    assert "stays in the trash for 30 days" in page.locator("main").inner_text()
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Undo").wait_for()
    assert not BacklogItem.objects.filter(pk=item.pk).exists()

    page.get_by_role("button", name="Undo").click()
    page.locator("h1", has_text="Refund button").wait_for()
    assert BacklogItem.objects.filter(pk=item.pk).exists()
    page.locator(".comment-body .mention", has_text="@product_owner_user").wait_for()  # its comment is back too

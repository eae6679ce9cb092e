"""Bad input gets a clear message and keeps what the user typed; nothing is half-saved; never a 500."""

import pytest
from django.urls import reverse

from backlog.models import BacklogItem
from okrs.models import KeyResult
from roadmap.models import Initiative

from . import factories as f


def test_an_invalid_item_form_shows_field_errors_and_keeps_the_input(world):
    client = world.client("product_owner")
    url = reverse("backlog:item_create", kwargs={"product_id": world.product.pk})
    response = client.post(
        url,
        {"kind": "story", "title": "Pay by link", "status": "new", "confidence": "140", "effort": "0", "impact": "7"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"confidence", "effort", "impact"}
    html = response.content.decode()
    assert 'value="Pay by link"' in html  # what the user typed is still there
    assert "Ensure this value is less than or equal to 100." in html
    assert not BacklogItem.objects.exists()


def test_end_before_start_is_a_field_error(world):
    client = world.client("product_manager")
    url = reverse("roadmap:initiative_create", kwargs={"product_id": world.product.pk})
    response = client.post(
        url,
        {
            "title": "Wallets",
            "horizon": "now",
            "status": "planned",
            "start_date": "2027-03-01",
            "end_date": "2027-02-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == ["The end date cannot be before the start date."]
    assert not Initiative.objects.exists()


def test_a_key_result_with_target_equal_to_start_is_refused(world):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    url = reverse("okrs:key_result_create", kwargs={"workspace_id": world.workspace.pk})
    response = world.client("admin").post(
        url,
        {
            "objective": objective.pk,
            "title": "Flat",
            "direction": "increase",
            "start_value": "5",
            "target_value": "5",
            "weight": "1",
        },
    )
    assert response.context["form"].errors["target_value"] == ["The target must differ from the start value."]
    assert not KeyResult.objects.exists()


def test_another_workspaces_object_cannot_be_chosen_in_a_form(world):
    their_theme = f.ThemeFactory(product=world.other_product)
    our_theme = f.ThemeFactory(product=world.product)
    url = reverse("roadmap:initiative_create", kwargs={"product_id": world.product.pk})
    client = world.client("admin")
    page = client.get(url).content.decode()
    assert our_theme.name in page and their_theme.name not in page
    response = client.post(url, {"title": "Sneaky", "horizon": "now", "status": "planned", "theme": their_theme.pk})
    assert response.status_code == 200
    assert "theme" in response.context["form"].errors
    assert not Initiative.objects.filter(title="Sneaky").exists()


@pytest.mark.parametrize(
    "name,data",
    [
        ("sprint", {"name": "S", "start_date": "not a date", "end_date": "2027-13-45", "capacity_points": "-3"}),
        ("item", {"title": "x" * 400, "kind": "saga", "story_points": "lots", "owner": "999999", "parent": "abc"}),
        ("release", {"name": "", "target_date": "31/31/2027", "status": "gone"}),
    ],
)
def test_garbage_input_is_a_form_error_not_a_crash(world, name, data):
    namespace = "backlog" if name in ("sprint", "item") else "roadmap"
    url = reverse(f"{namespace}:{name}_create", kwargs={"product_id": world.product.pk})
    response = world.client("admin").post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_duplicate_product_key_is_explained(world):
    url = reverse("products:product_create", kwargs={"workspace_id": world.workspace.pk})
    response = world.client("admin").post(url, {"name": "Payments 2", "key": "pay", "stage": "discovery"})
    assert response.status_code == 200
    assert "Another product in this workspace already uses this key." in response.content.decode()


def test_pages_of_missing_objects_are_friendly_404s(world):
    response = world.client("admin").get(
        reverse("roadmap:theme_detail", kwargs={"product_id": world.product.pk, "pk": 987654})
    )
    assert response.status_code == 404


def test_filters_with_bad_values_do_not_crash(world):
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    # The page first puts the parameters in their order (one URL per view), then shows the messages.
    response = world.client("viewer").get(url, {"sprint": "abc", "status": "nope", "ordering": "evil"}, follow=True)
    assert response.status_code == 200
    assert "Some filters are not valid" in response.content.decode()


def test_only_product_owners_accept_work(world):
    item = f.BacklogItemFactory(product=world.product, status="done")
    url = reverse("backlog:item_edit", kwargs={"product_id": world.product.pk, "pk": item.pk})
    data = {"kind": "story", "title": item.title, "status": "accepted"}
    response = world.client("contributor").post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["status"] == ["Only a product owner or an admin can accept or reject work."]
    item.refresh_from_db()
    assert item.status == "done"
    assert world.client("product_owner").post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.status == "accepted"

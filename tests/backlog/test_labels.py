"""Item labels: one rule (services/labels.py) through every path — page form, API create/update/bulk,
admin, importer — scoped to the item's product and never leaking across workspaces."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from backlog.label_models import label_names_sorted
from backlog.models import LABELS_PER_ITEM_MAX, BacklogItem, Label
from backlog.services.items import item_create, item_delete, item_update
from backlog.services.labels import items_labels_add
from collaboration.models import TrashEntry
from collaboration.services.trash import trash_restore
from tests import factories as f


def _names(item) -> list[str]:
    return label_names_sorted(label.name for label in BacklogItem.objects.get(pk=item.pk).labels.all())


@pytest.fixture
def po(world):
    client = APIClient()
    client.force_authenticate(world.users["product_owner"])
    return client


# ---- the service's rule ----------------------------------------------------------------------------


def test_names_are_trimmed_matched_without_case_and_created_in_the_items_product(world):
    admin = world.users["admin"]
    first = item_create(instance=BacklogItem(product=world.product, title="A"), actor=admin, labels=[" UX ", "api"])
    second = item_create(
        instance=BacklogItem(product=world.product, title="B"), actor=admin, labels=["ux", "API", "ux"]
    )

    assert _names(first) == ["api", "UX"] and _names(second) == ["api", "UX"]  # the stored spelling, once each
    assert Label.objects.filter(product=world.product).count() == 2


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["   "], "cannot be blank"),
        (["x" * 51], "at most 50 characters"),
        (["bad\x00name"], "control characters"),
        (["a,b"], "commas"),
        ([f"l{n}" for n in range(LABELS_PER_ITEM_MAX + 1)], f"At most {LABELS_PER_ITEM_MAX} labels"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_saved(world, names, message):
    item = item_create(instance=BacklogItem(product=world.product, title="A"), actor=None, labels=["keep"])

    with pytest.raises(ValidationError) as error:
        item_update(item=item, data={"labels": names}, actor=None)

    assert message in " ".join(error.value.message_dict["labels"])
    assert _names(item) == ["keep"]


def test_a_label_never_links_across_products(world):
    other_product = f.ProductFactory(workspace=world.workspace, key="OTH")
    mine = item_create(instance=BacklogItem(product=world.product, title="A"), actor=None, labels=["shared"])
    theirs = item_create(instance=BacklogItem(product=other_product, title="B"), actor=None, labels=["shared"])

    mine_label, theirs_label = mine.labels.get(), theirs.labels.get()
    assert mine_label.pk != theirs_label.pk and theirs_label.product_id == other_product.pk

    # The set-based path of importers ignores another product's items.
    items_labels_add(product_id=world.product.pk, names_by_item={theirs.pk: ["sneaky"]})
    assert _names(theirs) == ["shared"] and not Label.objects.filter(name="sneaky", product=other_product).exists()


def test_labels_change_the_version_and_are_announced_as_changed(world):
    item = item_create(instance=BacklogItem(product=world.product, title="A"), actor=None)
    updated = item_update(item=item, data={"labels": ["ux"]}, actor=None)
    assert updated.version == item.version and BacklogItem.objects.get(pk=item.pk).version == 2
    again = item_update(item=BacklogItem.objects.get(pk=item.pk), data={"labels": ["UX"]}, actor=None)
    assert again.version == 2  # the same label: nothing changed


# ---- the API ---------------------------------------------------------------------------------------


def test_api_create_update_list_and_filter_by_label(world, po):
    created = po.post(
        "/api/v1/items/", {"product": world.product.pk, "title": "Pay", "labels": ["mobile", "Checkout"]}, format="json"
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert created.json()["labels"] == ["Checkout", "mobile"]
    po.post("/api/v1/items/", {"product": world.product.pk, "title": "Other"}, format="json")

    patched = po.patch(f"/api/v1/items/{item_id}/", {"labels": ["checkout"]}, format="json")
    assert patched.status_code == 200 and patched.json()["labels"] == ["Checkout"]

    rows = po.get("/api/v1/items/", {"product": world.product.pk}).json()["results"]
    assert {r["title"]: r["labels"] for r in rows} == {"Pay": ["Checkout"], "Other": []}
    assert [r["title"] for r in po.get("/api/v1/items/", {"label": "CHECKOUT"}).json()["results"]] == ["Pay"]
    assert po.get("/api/v1/items/", {"label": "mobile"}).json()["results"] == []


def test_api_bad_labels_are_a_400_with_a_message(world, po):
    body = {"product": world.product.pk, "title": "Pay"}
    for labels, field_message in [
        ("ux", "list"),
        ([""], "blank"),
        (["x" * 51], "50"),
        (["a,b"], "comma"),
        ([f"l{n}" for n in range(LABELS_PER_ITEM_MAX + 1)], str(LABELS_PER_ITEM_MAX)),
        ([5], "valid string"),
    ]:
        response = po.post("/api/v1/items/", {**body, "labels": labels}, format="json")
        assert response.status_code == 400, labels
        assert field_message in str(response.json()["errors"]["labels"]), response.json()
    assert not BacklogItem.objects.exists() and not Label.objects.exists()


def test_api_bulk_sets_labels_through_the_same_rule(world, po):
    item = item_create(instance=BacklogItem(product=world.product, title="A"), actor=None, labels=["old"])
    body = {"items": [{"id": item.pk, "labels": ["new"]}, {"product": world.product.pk, "title": "B", "labels": ["x"]}]}

    response = po.post("/api/v1/items/bulk/", body, format="json")

    assert response.status_code == 200, response.content
    assert [row["labels"] for row in response.json()["items"]] == [["new"], ["x"]]
    refused = po.post("/api/v1/items/bulk/", {"items": [{"id": item.pk, "labels": ["a,b"]}]}, format="json")
    assert refused.status_code == 400 and _names(item) == ["new"]


def test_other_workspaces_labels_never_appear_in_lists_or_filters(world, po):
    theirs = item_create(instance=BacklogItem(product=world.other_product, title="Secret"), actor=None, labels=["vip"])
    mine = item_create(instance=BacklogItem(product=world.product, title="Mine"), actor=None, labels=["vip"])

    assert [r["title"] for r in po.get("/api/v1/items/", {"label": "vip"}).json()["results"]] == ["Mine"]
    assert [r["id"] for r in po.get("/api/v1/items/").json()["results"]] == [mine.pk]
    page = world.client("product_owner").get(reverse("backlog:item_list", kwargs={"product_id": world.product.pk}))
    assert page.status_code == 200
    other_label = Label.objects.create(product=world.other_product, name="Rival only")
    page = world.client("product_owner").get(reverse("backlog:item_list", kwargs={"product_id": world.product.pk}))
    choices = [name for name, _ in page.context["filterset"].form.fields["label"].choices]
    assert "vip" in choices and other_label.name not in choices
    assert theirs.labels.get().product_id == world.other_product.pk


# ---- pages -----------------------------------------------------------------------------------------


def test_the_item_form_sets_labels_and_the_detail_page_shows_them(world):
    client = world.client("contributor")
    create = reverse("backlog:item_create", kwargs={"product_id": world.product.pk})
    response = client.post(create, {"title": "Pay", "kind": "story", "status": "new", "labels": "mobile, Checkout,"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    item = BacklogItem.objects.get(title="Pay")
    assert _names(item) == ["Checkout", "mobile"]

    detail = client.get(reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk}))
    html = detail.content.decode()
    assert 'class="label-chip"' in html and "?label=Checkout" in html and ">mobile</a>" in html

    edit = reverse("backlog:item_edit", kwargs={"product_id": world.product.pk, "pk": item.pk})
    form = client.get(edit).context["form"]
    assert form.initial["labels"] == "Checkout, mobile"
    data = {"title": "Pay", "kind": "story", "status": "new", "version": item.version, "labels": "bad\x01name"}
    refused = client.post(edit, data)
    assert refused.status_code == 200 and "control characters" in str(refused.context["form"].errors["labels"])
    data["labels"] = "mobile"
    assert client.post(edit, data).status_code == 302
    assert _names(item) == ["mobile"]


def test_the_backlog_filters_by_a_label_chip(world):
    item_create(instance=BacklogItem(product=world.product, title="Labelled"), actor=None, labels=["ux"])
    item_create(instance=BacklogItem(product=world.product, title="Plain"), actor=None)
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})

    page = world.client("viewer").get(url, {"label": "ux"})

    html = page.content.decode()
    assert page.status_code == 200 and "Labelled" in html and "Plain" not in html
    assert any(chip["name"] == "label" and chip["value"] == "ux" for chip in page.context["chips"])


def test_the_admin_sets_labels_through_the_services(world):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    f.MembershipFactory(workspace=world.workspace, user=root, role="admin")
    item = item_create(instance=BacklogItem(product=world.product, title="A"), actor=None, labels=["old"])
    client = world.client(None)
    client.force_login(root)
    url = reverse("admin:backlog_backlogitem_change", args=[item.pk])
    data = {k: v for k, v in client.get(url).context["adminform"].form.initial.items() if v is not None}
    data.update(
        {
            "title": "A",
            "kind": "story",
            "status": "new",
            "product": world.product.pk,
            "label_names": "old, Fresh",
            "acceptance_criteria-TOTAL_FORMS": 0,
            "acceptance_criteria-INITIAL_FORMS": 0,
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, dict | list)}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert _names(item) == ["Fresh", "old"]


def test_the_api_csv_export_has_the_labels_in_one_cell(world, po):
    item_create(instance=BacklogItem(product=world.product, title="A"), actor=None, labels=["b", "A"])
    item_create(instance=BacklogItem(product=world.other_product, title="Theirs"), actor=None, labels=["secret"])

    text = po.get("/api/v1/items/export/", HTTP_ACCEPT="text/csv").content.decode()

    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[header.index("rank") + 1] == "labels"  # before the custom fields
    assert [dict(zip(header, row, strict=True))["labels"] for row in rows] == ["A, b"]
    assert "secret" not in text


def test_a_deleted_item_comes_back_from_the_trash_with_its_labels(world):
    item = item_create(instance=BacklogItem(product=world.product, title="A"), actor=None, labels=["ux", "api"])
    item_delete(item=item, actor=world.users["admin"])
    assert Label.objects.filter(product=world.product).count() == 2  # the labels stay with the product

    trash_restore(entry=TrashEntry.objects.get(), actor=world.users["admin"])

    assert _names(item) == ["api", "ux"]


def test_the_importers_set_based_path_checks_labels_by_the_same_rules(world):
    item = f.BacklogItemFactory(product=world.product)
    with pytest.raises(ValidationError):
        items_labels_add(product_id=world.product.pk, names_by_item={item.pk: [f"l{n}" for n in range(21)]})
    with pytest.raises(ValidationError):
        items_labels_add(product_id=world.product.pk, names_by_item={item.pk: ["a,b"]})
    assert not item.labels.exists()

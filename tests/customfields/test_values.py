"""Custom field values: checked against their definitions on every path (service, page form, API,
bulk save), shown in forms and exports, filtered through the JSONB containment the GIN index serves,
and never another workspace's definitions."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from backlog.models import BacklogItem
from backlog.services import items as item_services
from customfields.models import FieldDefinition
from roadmap.models import Initiative
from roadmap.services.initiatives import initiative_update
from tests import factories as f


@pytest.fixture
def fields(world):
    ws = world.workspace
    return {
        "tier": FieldDefinition.objects.create(
            workspace=ws,
            name="Customer tier",
            key="tier",
            field_type="single_select",
            options=["Free", "Pro", "Enterprise"],
        ),
        "regions": FieldDefinition.objects.create(
            workspace=ws, name="Regions", key="regions", field_type="multi_select", options=["EU", "US", "APAC"]
        ),
        "arr": FieldDefinition.objects.create(workspace=ws, name="ARR at stake", key="arr", field_type="number"),
        "due": FieldDefinition.objects.create(workspace=ws, name="Due", key="due", field_type="date"),
        "design": FieldDefinition.objects.create(workspace=ws, name="Design", key="design", field_type="url"),
        "champion": FieldDefinition.objects.create(workspace=ws, name="Champion", key="champion", field_type="user"),
        "only_other": FieldDefinition.objects.create(
            workspace=ws, product=f.ProductFactory(workspace=ws, key="ONB"), name="Step", key="step", field_type="text"
        ),
        "goal_note": FieldDefinition.objects.create(
            workspace=ws,
            target="initiative",
            name="Bet size",
            key="bet",
            field_type="single_select",
            options=["S", "L"],
        ),
    }


def test_values_are_stored_in_their_types(world, fields):
    item = f.BacklogItemFactory(product=world.product)
    values = {
        "tier": "Pro",
        "regions": ["US", "EU", "EU"],
        "arr": "120000.50",
        "due": "2027-03-31",
        "design": "https://figma.example/file/1",
        "champion": world.users["contributor"].pk,
        "arr_unset": None,
    }
    values.pop("arr_unset")
    saved = item_services.item_update(item=item, data={"custom_fields": values}, actor=world.users["admin"])
    assert saved.custom_fields == {
        "tier": "Pro",
        "regions": ["EU", "US"],
        "arr": 120000.5,
        "due": "2027-03-31",
        "design": "https://figma.example/file/1",
        "champion": world.users["contributor"].pk,
    }


@pytest.mark.parametrize(
    "values",
    [
        {"tier": "Gold"},
        {"regions": ["Mars"]},
        {"arr": "lots"},
        {"arr": "1e400"},
        {"due": "31/03/2027"},
        {"due": "1999-01-01"},
        {"design": "javascript:alert(1)"},
        {"champion": 999999},
        {"step": "only for the other product"},
        {"bet": "S"},  # an initiative field on an item
        {"unknown": 1},
        ["tier", "Pro"],
    ],
)
def test_a_value_that_does_not_fit_its_definition_is_refused_and_nothing_saved(world, fields, values):
    item = f.BacklogItemFactory(product=world.product)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        item_services.item_update(item=item, data={"custom_fields": values}, actor=world.users["admin"])
    assert "custom_fields" in error.value.message_dict
    item.refresh_from_db()
    assert item.custom_fields == {} and item.version == 1


def test_another_workspaces_member_or_definition_never_counts(world, fields):
    FieldDefinition.objects.create(workspace=world.other_workspace, name="Rival", key="rival", field_type="text")
    item = f.BacklogItemFactory(product=world.product)
    for values in ({"rival": "x"}, {"champion": world.outsider.pk}):
        with pytest.raises(ValidationError):
            item_services.item_update(item=item, data={"custom_fields": values}, actor=world.users["admin"])


def test_the_api_checks_values_on_create_patch_and_bulk(world, api, fields):
    client = api("product_owner")
    response = client.post(
        "/api/v1/items/",
        {"product": world.product.pk, "title": "SSO", "custom_fields": {"tier": "Enterprise"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["custom_fields"] == {"tier": "Enterprise"}
    item_id = response.json()["id"]
    response = client.patch(f"/api/v1/items/{item_id}/", {"custom_fields": {"tier": "Gold"}}, format="json")
    assert response.status_code == 400 and "custom_fields" in response.json()["errors"]
    response = client.post(
        "/api/v1/items/bulk/", {"items": [{"id": item_id, "custom_fields": {"arr": "x"}}]}, format="json"
    )
    assert response.status_code == 400
    assert BacklogItem.objects.get(pk=item_id).custom_fields == {"tier": "Enterprise"}
    assert client.get(f"/api/v1/items/{item_id}/").json()["custom_fields"] == {"tier": "Enterprise"}
    assert client.get("/api/v1/items/", {"product": world.product.pk}).json()["results"][0]["custom_fields"] == {
        "tier": "Enterprise"
    }


def test_initiatives_take_their_own_fields(world, api, fields):
    initiative = f.InitiativeFactory(product=world.product)
    assert initiative_update(initiative=initiative, data={"custom_fields": {"bet": "L"}}).custom_fields == {"bet": "L"}
    with pytest.raises(ValidationError):
        initiative_update(initiative=initiative, data={"custom_fields": {"tier": "Pro"}})  # an item field
    response = api("product_manager").patch(
        f"/api/v1/initiatives/{initiative.pk}/", {"custom_fields": {"bet": "XL"}}, format="json"
    )
    assert response.status_code == 400
    assert Initiative.objects.get(pk=initiative.pk).custom_fields == {"bet": "L"}


def test_the_item_form_shows_and_saves_custom_fields(world, fields):
    client = world.client("product_owner")
    url = reverse("backlog:item_create", kwargs={"product_id": world.product.pk})
    form = client.get(url).content.decode()
    assert "Customer tier" in form and "Regions" in form and "Step" not in form  # the other product's field
    response = client.post(
        url, {"kind": "story", "title": "Invoices in EUR", "status": "new", "cf_tier": "Pro", "cf_regions": ["EU"]}
    )
    assert response.status_code == 302
    assert BacklogItem.objects.get(title="Invoices in EUR").custom_fields == {"tier": "Pro", "regions": ["EU"]}
    response = client.post(url, {"kind": "story", "title": "Bad", "status": "new", "cf_tier": "Gold"})
    assert response.status_code == 200 and not BacklogItem.objects.filter(title="Bad").exists()


def test_the_export_has_a_column_per_custom_field(world, api, fields):
    item = f.BacklogItemFactory(product=world.product, title="SSO")
    item_services.item_update(
        item=item, data={"custom_fields": {"tier": "Pro", "regions": ["EU", "US"]}}, actor=world.users["admin"]
    )
    FieldDefinition.objects.create(workspace=world.other_workspace, name="Rival", key="rival_only", field_type="text")
    text = (
        api("viewer")
        .get("/api/v1/items/export/", {"product": world.product.pk}, HTTP_ACCEPT="text/csv")
        .content.decode()
    )
    header, row = text.splitlines()[:2]
    assert "tier" in header and "regions" in header and "rival_only" not in header
    assert "Pro" in row and "EU; US" in row


def test_filtering_by_a_value_uses_containment(world, fields):
    a = f.BacklogItemFactory(product=world.product)
    f.BacklogItemFactory(product=world.product)
    item_services.item_update(item=a, data={"custom_fields": {"tier": "Pro"}}, actor=world.users["admin"])
    assert list(BacklogItem.objects.filter(custom_fields__contains={"tier": "Pro"})) == [a]


def test_the_backlog_filters_and_shows_custom_fields(world, fields, django_assert_max_num_queries):
    pro = f.BacklogItemFactory(product=world.product, title="SSO")
    item_services.item_update(
        item=pro, data={"custom_fields": {"tier": "Pro", "regions": ["EU", "US"]}}, actor=world.users["admin"]
    )
    f.BacklogItemFactory(product=world.product, title="Dark mode")
    client = world.client("viewer")
    url = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    response = client.get(url, {"cf_regions": "US", "columns": "status,cf_tier,cf_regions"}, follow=True)
    assert [row["obj"].title for row in response.context["rows"]] == ["SSO"]
    body = response.content.decode()
    assert ">Customer tier</th>" in body and "EU, US" in body
    assert response.context["chips"][0]["label"] == "Regions"
    assert [r["obj"].title for r in client.get(url, {"cf_tier": "Free"}).context["rows"]] == []
    # A saved view keeps the custom filter.
    client = world.client("product_owner")
    client.post(
        reverse("backlog:saved_view_save", kwargs={"product_id": world.product.pk}),
        {"name": "Pro", "query": "cf_tier=Pro"},
    )
    from backlog.models import SavedView

    assert SavedView.objects.get(name="Pro").filters == {"cf_tier": "Pro"}

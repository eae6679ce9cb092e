"""The isolation matrix for users who belong to two workspaces: one workspace per object graph.

The user is an admin of the workspace that holds the object written ("home") and a viewer of the
other one ("away"). Every relation the API, the bulk endpoint, the pages, the admin and the
services accept must point inside home: an object of away is refused with a 400 naming the field,
and nothing changes. The same write with objects of home succeeds.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from backlog.models import BacklogItem
from okrs.models import KeyResult, Objective
from roadmap.models import Initiative
from roadmap.services.initiatives import initiative_update
from tests import factories as f
from tests.api.conftest import token_client
from workspaces.models import Role


@dataclass
class Side:
    workspace: object
    product: object
    objects: dict  # kind -> an object of this workspace (or a member, for "user")


def _side(workspace, product, member) -> Side:
    objective = f.ObjectiveFactory(workspace=workspace)
    objects = {
        "item": f.BacklogItemFactory(product=product),
        "initiative": f.InitiativeFactory(product=product),
        "release": f.ReleaseFactory(product=product),
        "sprint": f.SprintFactory(product=product),
        "theme": f.ThemeFactory(product=product),
        "kpi": f.KPIFactory(product=product),
        "objective": objective,
        "key_result": f.KeyResultFactory(objective=objective),
        "product": product,
        "user": member,
    }
    return Side(workspace, product, objects)


@pytest.fixture(params=["into-ours", "into-theirs"])
def two(request, world):
    """A user of both workspaces of `world`: admin of home, viewer of away (both directions)."""
    dual = f.UserFactory(username="dual")
    ours = (world.workspace, world.product)
    theirs = (world.other_workspace, world.other_product)
    home, away = (ours, theirs) if request.param == "into-ours" else (theirs, ours)
    f.MembershipFactory(workspace=home[0], user=dual, role=Role.ADMIN)
    f.MembershipFactory(workspace=away[0], user=dual, role=Role.VIEWER)
    home_member = f.UserFactory()
    away_member = f.UserFactory()
    f.MembershipFactory(workspace=home[0], user=home_member, role=Role.CONTRIBUTOR)
    f.MembershipFactory(workspace=away[0], user=away_member, role=Role.CONTRIBUTOR)

    class Two:
        user = dual
        api = token_client(dual)
        home_side = _side(*home, home_member)
        away_side = _side(*away, away_member)

    return Two


# (resource, model, field, kind of the related object, many, body to create one in `side`, object to change)
CASES = [
    ("items", BacklogItem, "parent", "item", False),
    ("items", BacklogItem, "initiative", "initiative", False),
    ("items", BacklogItem, "release", "release", False),
    ("items", BacklogItem, "sprint", "sprint", False),
    ("items", BacklogItem, "owner", "user", False),
    ("initiatives", Initiative, "theme", "theme", False),
    ("initiatives", Initiative, "release", "release", False),
    ("initiatives", Initiative, "key_results", "key_result", True),
    ("initiatives", Initiative, "kpis", "kpi", True),
    ("initiatives", Initiative, "depends_on", "initiative", True),
    ("objectives", Objective, "owner", "user", False),
    ("objectives", Objective, "parent", "objective", False),
    ("objectives", Objective, "product", "product", False),
    ("key-results", KeyResult, "kpi", "kpi", False),
]


def _create_body(resource: str, side: Side) -> dict:
    return {
        "items": {"product": side.product.pk, "title": "Linked"},
        "initiatives": {"product": side.product.pk, "title": "Linked"},
        "objectives": {"workspace": side.workspace.pk, "title": "Linked", "period": "2027-Q2"},
        "key-results": {
            "objective": side.objects["objective"].pk,
            "title": "Linked",
            "start_value": "0",
            "target_value": "10",
        },
    }[resource]


def _target(resource: str, side: Side):
    """The existing object of `side` that a PATCH changes (never one the related object itself is)."""
    return {
        "items": lambda: f.BacklogItemFactory(product=side.product),
        "initiatives": lambda: f.InitiativeFactory(product=side.product),
        "objectives": lambda: f.ObjectiveFactory(workspace=side.workspace),
        "key-results": lambda: f.KeyResultFactory(objective=side.objects["objective"]),
    }[resource]()


def _value(side: Side, kind: str, many: bool):
    pk = side.objects[kind].pk
    return [pk] if many else pk


def _linked(obj, field: str, many: bool):
    obj.refresh_from_db()
    if many:
        return set(getattr(obj, field).values_list("pk", flat=True))
    return getattr(obj, f"{field}_id")


@pytest.mark.parametrize(("resource", "model", "field", "kind", "many"), CASES, ids=lambda v: getattr(v, "__name__", v))
def test_create_refuses_a_relation_into_the_other_workspace(two, resource, model, field, kind, many):
    before = model.objects.count()
    body = {**_create_body(resource, two.home_side), field: _value(two.away_side, kind, many)}

    response = two.api.post(f"/api/v1/{resource}/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert model.objects.count() == before

    body[field] = _value(two.home_side, kind, many)
    response = two.api.post(f"/api/v1/{resource}/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()[field] == body[field]


@pytest.mark.parametrize(("resource", "model", "field", "kind", "many"), CASES, ids=lambda v: getattr(v, "__name__", v))
def test_update_refuses_a_relation_into_the_other_workspace(two, resource, model, field, kind, many):
    obj = _target(resource, two.home_side)
    before = _linked(obj, field, many)

    response = two.api.patch(f"/api/v1/{resource}/{obj.pk}/", {field: _value(two.away_side, kind, many)}, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert _linked(obj, field, many) == before

    value = _value(two.home_side, kind, many)
    response = two.api.patch(f"/api/v1/{resource}/{obj.pk}/", {field: value}, format="json")
    assert response.status_code == 200, response.content
    assert _linked(obj, field, many) == (set(value) if many else value)


@pytest.mark.parametrize(("field", "kind"), [(c[2], c[3]) for c in CASES if c[0] == "items"])
def test_bulk_refuses_a_relation_into_the_other_workspace(two, field, kind):
    item = f.BacklogItemFactory(product=two.home_side.product, title="Untouched")
    count = BacklogItem.objects.count()
    foreign = two.away_side.objects[kind].pk
    body = {
        "items": [
            {"id": item.pk, "title": "Changed"},
            {"product": two.home_side.product.pk, "title": "New", field: foreign},
        ]
    }

    response = two.api.post("/api/v1/items/bulk/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in str(response.json()["errors"])
    item.refresh_from_db()
    assert item.title == "Untouched" and BacklogItem.objects.count() == count

    body = {"items": [{"id": item.pk, field: foreign}]}
    response = two.api.post("/api/v1/items/bulk/", body, format="json")
    assert response.status_code == 400, response.content
    assert getattr(BacklogItem.objects.get(pk=item.pk), f"{field}_id") is None

    body = {"items": [{"id": item.pk, field: two.home_side.objects[kind].pk}]}
    assert two.api.post("/api/v1/items/bulk/", body, format="json").status_code == 200
    assert getattr(BacklogItem.objects.get(pk=item.pk), f"{field}_id") == two.home_side.objects[kind].pk


@pytest.mark.parametrize(
    ("page", "field", "kind"),
    [
        ("backlog:item_create", "owner", "user"),
        ("backlog:item_create", "sprint", "sprint"),
        ("roadmap:initiative_create", "key_results", "key_result"),
        ("roadmap:initiative_create", "kpis", "kpi"),
        ("roadmap:initiative_create", "depends_on", "initiative"),
    ],
)
def test_page_forms_refuse_a_foreign_id(client, two, page, field, kind):
    client.force_login(two.user)
    model = BacklogItem if page.startswith("backlog") else Initiative
    before = model.objects.count()
    data = {"title": "Linked", "kind": "story", "horizon": "later", "status": "proposed"}
    if page.startswith("backlog"):
        data["status"] = "new"

    response = client.post(
        reverse(page, kwargs={"product_id": two.home_side.product.pk}),
        {**data, field: two.away_side.objects[kind].pk},
    )

    assert response.status_code in (200, 400)  # the form again, with the error
    assert model.objects.count() == before


def test_services_refuse_a_foreign_relation_whatever_calls_them(two):
    """The rule lives in the service: a caller that skips serializers and forms is refused too."""
    initiative = f.InitiativeFactory(product=two.home_side.product)

    with pytest.raises(ValidationError) as raised:
        initiative_update(initiative=initiative, data={}, m2m={"key_results": [two.away_side.objects["key_result"]]})

    assert "key_results" in raised.value.message_dict
    assert "belongs to another workspace" in raised.value.message_dict["key_results"][0]
    assert not initiative.key_results.exists()


def test_admin_refuses_a_foreign_relation(client, two):
    two.user.is_staff = True
    two.user.save()
    two.user.user_permissions.set(Permission.objects.filter(content_type__app_label="backlog"))
    client.force_login(two.user)
    item = f.BacklogItemFactory(product=two.home_side.product)
    url = reverse("admin:backlog_backlogitem_change", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    for formset in page.context["inline_admin_formsets"]:  # the criteria inline: none sent
        management = formset.formset.management_form
        data |= {management.add_prefix(name): management[name].value() for name in management.fields}
    data["owner"] = two.away_side.objects["user"].pk

    response = client.post(url, data)

    assert response.status_code == 200  # the form again
    assert "is not a member of this workspace" in response.context["adminform"].form.errors["owner"][0]
    item.refresh_from_db()
    assert item.owner_id is None

    data["owner"] = two.home_side.objects["user"].pk
    response = client.post(url, data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.owner_id == two.home_side.objects["user"].pk

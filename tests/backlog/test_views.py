"""The backlog as a view: the URL carries only what is set, the last view is remembered, grouping,
saved views (personal and shared, by role, never another workspace's), ranking inside a filtered
view, and one property changed from a row's popover."""

import pytest
from django.urls import reverse

from backlog.models import BacklogItem, SavedView
from backlog.services import items as item_services
from tests import factories as f
from tests.conftest import ROLES

ITEMS = {"admin", "product_manager", "product_owner", "contributor"}


def _url(world, **params):
    from urllib.parse import urlencode

    base = reverse("backlog:item_list", kwargs={"product_id": world.product.pk})
    return f"{base}?{urlencode(params)}" if params else base


def _titles(response) -> list[str]:
    return [row["obj"].title for row in response.context["rows"]]


def test_empty_parameters_leave_the_url(world):
    client = world.client("viewer")
    response = client.get(_url(world, search="", status="ready", kind="", moscow=""))
    assert response.status_code == 302
    assert response.url == _url(world, status="ready")


def test_htmx_filtering_shows_the_clean_address(world):
    f.BacklogItemFactory(product=world.product, title="Refunds", status="ready")
    f.BacklogItemFactory(product=world.product, title="Wallets", status="new")
    response = world.client("viewer").get(_url(world, search="", status="ready"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Push-Url"] == _url(world, status="ready")
    assert _titles(response) == ["Refunds"]


def test_the_products_last_view_is_remembered_until_cleared(world):
    client = world.client("product_owner")
    assert client.get(_url(world, status="ready", group="sprint")).status_code == 200
    # Back through the product menu: the same view.
    response = client.get(_url(world))
    assert response.status_code == 302 and response.url == _url(world, status="ready", group="sprint")
    # Another product's backlog has its own memory.
    other = f.ProductFactory(workspace=world.workspace, key="ONB")
    assert client.get(reverse("backlog:item_list", kwargs={"product_id": other.pk})).status_code == 200
    # Clearing forgets it.
    assert client.get(_url(world, clear=1)).url == _url(world)
    assert client.get(_url(world)).status_code == 200


def test_grouping_by_status_orders_groups_and_keeps_rank_inside(world):
    for title, status in [("A", "ready"), ("B", "new"), ("C", "ready"), ("D", "in_progress"), ("E", "new")]:
        f.BacklogItemFactory(product=world.product, title=title, status=status)
    response = world.client("viewer").get(_url(world, group="status"))
    groups = [(g["label"], [r["obj"].title for r in g["rows"]]) for g in response.context["row_groups"]]
    assert groups == [("New", ["B", "E"]), ("Ready", ["A", "C"]), ("In progress", ["D"])]
    body = response.content.decode()
    assert body.index(">New <") < body.index(">Ready <") < body.index(">In progress <")


@pytest.mark.parametrize("group", ["sprint", "initiative", "owner", "moscow"])
def test_every_grouping_renders(world, group):
    sprint = f.SprintFactory(product=world.product, name="Sprint 3")
    initiative = f.InitiativeFactory(product=world.product)
    f.BacklogItemFactory(product=world.product, title="In sprint", sprint=sprint, moscow="must", initiative=initiative)
    f.BacklogItemFactory(product=world.product, title="Loose", owner=world.users["contributor"])
    response = world.client("viewer").get(_url(world, group=group))
    assert response.status_code == 200
    assert len(response.context["row_groups"]) == 2


def test_columns_are_chosen_by_the_view(world):
    f.BacklogItemFactory(product=world.product, title="Refunds", owner=world.users["contributor"])
    body = world.client("viewer").get(_url(world, columns="status,owner")).content.decode()
    assert ">Assignee</th>" in body and "contributor_user" in body and ">RICE</th>" not in body


def test_a_filtered_view_can_be_ranked_and_says_how(world):
    a = f.BacklogItemFactory(product=world.product, title="A", status="ready")
    f.BacklogItemFactory(product=world.product, title="B", status="new")
    c = f.BacklogItemFactory(product=world.product, title="C", status="ready")
    client = world.client("product_owner")
    response = client.get(_url(world, status="ready"))
    assert response.context["can_rank"]
    assert "between its visible neighbours" in response.content.decode()
    # Move C before A, its visible neighbour: one manual order, B keeps its place after A.
    move = reverse("backlog:item_move", kwargs={"product_id": world.product.pk, "pk": c.pk})
    assert client.post(move, {"before": a.pk}, HTTP_ACCEPT="application/json").status_code == 200
    assert [i.title for i in BacklogItem.objects.filter(product=world.product)] == ["C", "A", "B"]
    # Sorted by a score: no handles, and the page says why.
    response = client.get(_url(world, ordering="-rice_score"))
    assert not response.context["can_rank"] and "clear the sort" in response.content.decode()


# ---- saved views --------------------------------------------------------------------------------


def _save(client, world, **data):
    return client.post(reverse("backlog:saved_view_save", kwargs={"product_id": world.product.pk}), data)


@pytest.mark.parametrize("role", ROLES)
def test_every_member_saves_personal_views_and_item_editors_share_them(world, role):
    client = world.client(role)
    response = _save(client, world, name="Ready", query="status=ready&group=sprint&columns=status,points")
    assert response.status_code == 302
    view = SavedView.objects.get(owner=world.users[role])
    assert (view.filters, view.group_by, view.columns, view.shared) == (
        {"status": "ready"},
        "sprint",
        ["status", "points"],
        False,
    )
    _save(client, world, name="Team", query="status=new", shared="on")
    shared = SavedView.objects.filter(owner=world.users[role], name="Team")
    assert shared.exists() == (role in ITEMS)
    if role in ITEMS:
        assert shared.get().shared


def test_personal_views_are_private_and_shared_ones_are_for_the_workspace(world):
    owner = world.users["product_owner"]
    SavedView.objects.create(product=world.product, owner=owner, name="Mine", filters={"status": "ready"})
    SavedView.objects.create(product=world.product, owner=owner, name="Ours", shared=True, filters={"kind": "bug"})
    theirs = SavedView.objects.create(product=world.other_product, owner=world.outsider, name="Rival view", shared=True)
    names = [v.name for v in world.client("product_owner").get(_url(world)).context["saved_views"]]
    assert names == ["Ours", "Mine"]
    names = [v.name for v in world.client("viewer").get(_url(world)).context["saved_views"]]
    assert names == ["Ours"]
    # The other workspace's view never appears, and cannot be deleted through our product.
    body = world.client("admin").get(_url(world)).content.decode()
    assert "Rival view" not in body
    delete = reverse("backlog:saved_view_delete", kwargs={"product_id": world.product.pk, "pk": theirs.pk})
    assert world.client("admin").post(delete).status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()


def test_someone_elses_personal_view_cannot_be_deleted(world):
    view = SavedView.objects.create(product=world.product, owner=world.users["product_owner"], name="Mine")
    delete = reverse("backlog:saved_view_delete", kwargs={"product_id": world.product.pk, "pk": view.pk})
    assert world.client("admin").post(delete).status_code == 404  # not even visible to them
    assert world.client("product_owner").post(delete).status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_a_saved_view_opens_as_it_was_saved(world):
    client = world.client("product_owner")
    _save(client, world, name="Bugs by sprint", query="kind=bug&group=sprint&ordering=-rice_score")
    view = SavedView.objects.get(name="Bugs by sprint")
    response = client.get(f"{_url(world)}?{view.query}")
    assert response.status_code == 200
    assert response.context["current_view"] == view
    assert response.context["group_by"] == "sprint" and response.context["sorted_by"] == "rice, highest first"


def test_a_bad_view_is_a_message_not_a_500(world):
    client = world.client("product_owner")
    response = _save(client, world, name="", query="status=ready")
    assert response.status_code == 302 and not SavedView.objects.exists()
    _save(client, world, name="Twice", query="")
    response = _save(client, world, name="Twice", query="kind=bug")
    assert SavedView.objects.filter(name="Twice").count() == 1


# ---- one property from a row's popover -----------------------------------------------------------


def _props(world, item):
    return reverse("backlog:item_props", kwargs={"product_id": world.product.pk, "pk": item.pk})


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_a_property_is_changed_by_item_editors_only(world, role):
    item = f.BacklogItemFactory(product=world.product, status="new")
    response = world.client(role).post(_props(world, item), {"field": "status", "value": "ready", "version": 1})
    item.refresh_from_db()
    if role in ITEMS:
        assert response.status_code == 200
        assert item.status == "ready" and item.version == 2
        assert f'id="item-{item.pk}"' in response.content.decode()
    else:
        assert response.status_code == (404 if role == "outsider" else 403)
        assert item.status == "new"


def test_property_popover_refuses_bad_values_stale_copies_and_other_workspaces(world):
    item = f.BacklogItemFactory(product=world.product, story_points=3)
    client = world.client("product_owner")
    assert client.post(_props(world, item), {"field": "story_points", "value": "-4"}).status_code == 400
    assert client.post(_props(world, item), {"field": "rank", "value": "1"}).status_code == 400
    their_sprint = f.SprintFactory(product=world.other_product)
    response = client.post(_props(world, item), {"field": "sprint", "value": their_sprint.pk})
    assert response.status_code == 400
    item_services.item_update(item=item, data={"title": "Changed meanwhile"}, actor=world.users["admin"])
    response = client.post(_props(world, item), {"field": "story_points", "value": "5", "version": 1})
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.story_points == 3 and item.sprint_id is None
    sprint = f.SprintFactory(product=world.product)
    assert client.post(_props(world, item), {"field": "sprint", "value": sprint.pk}).status_code == 200
    item.refresh_from_db()
    assert item.sprint_id == sprint.pk

"""Role tables for every resource, and the isolation matrix: workspace B never sees or changes A's objects."""

import pytest

from tests.conftest import ROLES
from workspaces.models import Role, Workspace

from .resources import RESOURCES

pytestmark = pytest.mark.usefixtures("_private_webhook_targets")


@pytest.fixture
def _private_webhook_targets(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_reading_one_object_by_role(world, api, resource):
    obj = resource.make(world.product, world.workspace)
    url = f"/api/v1/{resource.url}/{obj.pk}/"

    assert api(None).get(url).status_code == 401
    assert api("outsider").get(url).status_code == 404
    for role in ROLES:
        expected = 200 if resource.readers_all or role == Role.ADMIN else 403
        assert api(role).get(url).status_code == expected, role


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_lists_show_only_the_users_workspaces(world, api, resource):
    ours = resource.make(world.product, world.workspace)
    theirs = resource.make(world.other_product, world.other_workspace)
    url = f"/api/v1/{resource.url}/"

    assert api(None).get(url).status_code == 401
    mine = _ids(api("admin").get(url))
    assert ours.pk in mine and theirs.pk not in mine
    outsiders = _ids(api("outsider").get(url))
    assert ours.pk not in outsiders


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.url not in ("workspaces",)], ids=str)
def test_filtering_by_another_workspaces_parent_is_refused(world, api, resource):
    resource.make(world.product, world.workspace)
    outsider = api("outsider")

    response = outsider.get(f"/api/v1/{resource.url}/", {"workspace": world.workspace.pk})
    assert response.status_code == 400
    assert "workspace" in response.json()["errors"]
    no_product_filter = ("objectives", "key-results", "members", "webhooks", "jobs", "products", "measurements")
    if resource.url not in (*no_product_filter, "comments", "trash"):
        response = outsider.get(f"/api/v1/{resource.url}/", {"product": world.product.pk})
        assert response.status_code == 400


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.create_body], ids=str)
def test_creating_by_role(world, api, resource):
    model = resource.make(world.product, world.workspace).__class__
    url = f"/api/v1/{resource.url}/"
    assert api(None).post(url, resource.create_body(world.product, world.workspace), format="json").status_code == 401

    # Another workspace's parent in the body is a 400 (it "does not exist"), and nothing is written.
    before = model.objects.count()
    response = api("outsider").post(url, resource.create_body(world.product, world.workspace), format="json")
    assert response.status_code == 400, response.content
    assert model.objects.count() == before

    for role in ROLES:
        before = model.objects.count()
        response = api(role).post(url, resource.create_body(world.product, world.workspace), format="json")
        if role in resource.writers:
            assert response.status_code == 201, (role, response.content)
            assert model.objects.count() == before + 1
            assert response["ETag"] == f'"{response.json()["version"]}"'
        else:
            assert response.status_code == 403, (role, response.content)
            assert model.objects.count() == before


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.patch_body], ids=str)
def test_changing_by_role(world, api, resource):
    for role in [*ROLES, "outsider"]:
        obj = resource.make(world.product, world.workspace)
        version = obj.version
        response = api(role).patch(f"/api/v1/{resource.url}/{obj.pk}/", resource.patch_body, format="json")
        obj.refresh_from_db()
        if role in resource.writers:
            assert response.status_code == 200, (role, response.content)
            assert obj.version == version + 1
        else:
            assert response.status_code == (404 if role == "outsider" else 403), (role, response.content)
            assert obj.version == version


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.url not in ("workspaces", "jobs", "trash")], ids=str)
def test_deleting_by_role(world, api, resource):
    deleters = resource.deleters or resource.writers
    for role in [*ROLES, "outsider"]:
        obj = resource.make(world.product, world.workspace)
        response = api(role).delete(f"/api/v1/{resource.url}/{obj.pk}/")
        exists = obj.__class__.objects.filter(pk=obj.pk).exists()
        if role in deleters:
            assert response.status_code == 204, (role, response.content)
            assert not exists
        else:
            assert response.status_code == (404 if role == "outsider" else 403), (role, response.content)
            assert exists


def test_jobs_are_read_only(world, api):
    assert api("admin").post("/api/v1/jobs/", {"workspace": world.workspace.pk}, format="json").status_code == 405


def test_any_user_creates_a_workspace_and_becomes_its_admin(world, api):
    response = api("viewer").post("/api/v1/workspaces/", {"name": "Side project"}, format="json")

    assert response.status_code == 201
    assert response.json()["role"] == "admin"
    workspace = Workspace.objects.get(pk=response.json()["id"])
    assert workspace.memberships.get().user == world.users["viewer"]


def test_admins_cannot_add_members_directly_they_invite_them(world, api):
    from tests import factories as f

    newcomer = f.UserFactory(username="newcomer")
    response = api("admin").post(
        "/api/v1/members/",
        {"workspace": world.workspace.pk, "user": "newcomer", "role": "product_owner"},
        format="json",
    )

    assert response.status_code == 400
    assert "/api/v1/invitations/" in response.json()["detail"]
    assert not world.workspace.memberships.filter(user=newcomer).exists()


def test_a_related_field_from_another_workspace_is_refused(world, api):
    from tests import factories as f

    their_sprint = f.SprintFactory(product=world.other_product)
    item = f.BacklogItemFactory(product=world.product)

    response = api("admin").patch(f"/api/v1/items/{item.pk}/", {"sprint": their_sprint.pk}, format="json")

    assert response.status_code == 400
    assert "sprint" in response.json()["errors"]
    item.refresh_from_db()
    assert item.sprint_id is None

"""Only a product owner or an admin may accept or reject work: one answer on every path that sets a status.

Each path is driven as a person would (page, htmx row, API, bulk, sprint review, Django admin). A
contributor or a product manager is refused and nothing changes; a product owner or an admin succeeds.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from backlog.models import BacklogItem
from backlog.services.items import item_update
from tests import factories as f
from tests.api.conftest import token_client

REFUSED = "Only a product owner or an admin can accept or reject work."
NEW_TITLE = "Decided on arrival"


def _page(name, world, **kw):
    return reverse(f"backlog:{name}", kwargs={"product_id": world.product.pk, **kw})


def _form(item, **changes) -> dict:
    data = {"kind": item.kind, "title": item.title, "status": item.status, "version": item.version}
    return {**data, **changes}


# Each path takes (world, role, item, decision) and returns (response, text in which a refusal is shown).
# `item` is a finished (done) item of the world's product; a creating path ignores it.


def create_page(world, role, item, decision):
    data = {"kind": "story", "title": NEW_TITLE, "status": decision}
    response = world.client(role).post(_page("item_create", world), data)
    return response, response.content.decode()


def edit_page(world, role, item, decision):
    response = world.client(role).post(_page("item_edit", world, pk=item.pk), _form(item, status=decision))
    return response, response.content.decode()


def inline_edit(world, role, item, decision):
    data = {"title": item.title, "status": decision, "moscow": "", "story_points": "", "version": item.version}
    response = world.client(role).post(_page("item_inline", world, pk=item.pk), data)
    return response, response.content.decode()


def bulk_action(world, role, item, decision):
    response = world.client(role).post(_page("item_bulk", world), {"ids": [item.pk], "status": decision}, follow=True)
    return response, response.content.decode()


def sprint_review(world, role, item, decision):
    client = world.client(role)
    if decision == "accepted":
        response = client.post(_page("item_accept", world, pk=item.pk), follow=True)
    else:
        response = client.post(_page("item_reject", world, pk=item.pk), {"reason": "No receipt sent."}, follow=True)
    return response, response.content.decode()


def api_post(world, role, item, decision):
    body = {"product": world.product.pk, "title": NEW_TITLE, "status": decision}
    response = token_client(world.users[role]).post("/api/v1/items/", body, format="json")
    return response, str(response.json().get("errors", {}).get("status"))


def api_patch(world, role, item, decision):
    response = token_client(world.users[role]).patch(f"/api/v1/items/{item.pk}/", {"status": decision}, format="json")
    return response, str(response.json().get("errors", {}).get("status"))


def api_bulk_new_row(world, role, item, decision):
    body = {"items": [{"product": world.product.pk, "title": NEW_TITLE, "status": decision}]}
    response = token_client(world.users[role]).post("/api/v1/items/bulk/", body, format="json")
    return response, str(response.json().get("errors", {}).get("items", {}).get("0"))


def api_bulk_existing_row(world, role, item, decision):
    body = {"items": [{"id": item.pk, "status": decision}]}
    response = token_client(world.users[role]).post("/api/v1/items/bulk/", body, format="json")
    return response, str(response.json().get("errors", {}).get("items", {}).get("0"))


def django_admin(world, role, item, decision):
    user = world.users[role]
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="backlog"))
    client = Client()
    client.force_login(user)
    data = {
        "product": world.product.pk,
        "kind": item.kind,
        "title": item.title,
        "status": decision,
        "acceptance_criteria-TOTAL_FORMS": "0",
        "acceptance_criteria-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:backlog_backlogitem_change", args=[item.pk]), data)
    return response, response.content.decode()


CREATING = {create_page, api_post, api_bulk_new_row}
PATHS = [
    (create_page, "accepted"),
    (create_page, "rejected"),
    (edit_page, "accepted"),
    (edit_page, "rejected"),
    (inline_edit, "accepted"),
    (inline_edit, "rejected"),
    (bulk_action, "accepted"),
    (bulk_action, "rejected"),
    (sprint_review, "accepted"),
    (sprint_review, "rejected"),
    (api_post, "accepted"),
    (api_post, "rejected"),
    (api_patch, "accepted"),
    (api_patch, "rejected"),
    (api_bulk_new_row, "accepted"),
    (api_bulk_existing_row, "accepted"),
    (api_bulk_existing_row, "rejected"),
    (django_admin, "accepted"),
]
# Sprint review pages are open only to roles that manage sprints: a 403 there, the rule's message elsewhere.
FORBIDDEN_OUTRIGHT = {sprint_review}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("role", ["contributor", "product_manager"])
@pytest.mark.parametrize("path,decision", PATHS, ids=[f"{p.__name__}-{d}" for p, d in PATHS])
def test_roles_that_do_not_manage_sprints_are_refused_and_nothing_changes(world, role, path, decision):
    item = f.BacklogItemFactory(product=world.product, title="Receipts", status="done")

    response, shown = path(world, role, item, decision)

    if path in FORBIDDEN_OUTRIGHT:
        assert response.status_code == 403
    else:
        assert REFUSED in shown, (response.status_code, shown[:500])
    assert not BacklogItem.objects.filter(title=NEW_TITLE).exists()
    item.refresh_from_db()
    assert (item.status, item.version) == ("done", 1)


@pytest.mark.parametrize("role", ["product_owner", "admin"])
@pytest.mark.parametrize("path,decision", PATHS, ids=[f"{p.__name__}-{d}" for p, d in PATHS])
def test_product_owners_and_admins_decide(world, role, path, decision):
    item = f.BacklogItemFactory(product=world.product, title="Receipts", status="done")

    response, shown = path(world, role, item, decision)

    assert response.status_code in (200, 201, 302), shown[:500]
    assert REFUSED not in shown
    if path in CREATING:
        assert BacklogItem.objects.get(title=NEW_TITLE).status == decision
    else:
        item.refresh_from_db()
        assert item.status == decision and item.version > 1


def test_a_system_write_without_an_actor_is_not_a_person_deciding(world):
    item = f.BacklogItemFactory(product=world.product, status="done")
    item_update(item=item, data={"status": "accepted"}, actor=None)
    item.refresh_from_db()
    assert item.status == "accepted"


def test_a_member_of_another_workspace_decides_nothing_here(world):
    """The rule reads the actor's role in the item's own workspace, not in any workspace of theirs."""
    item = f.BacklogItemFactory(product=world.product, status="done")
    with pytest.raises(ValidationError, match="product owner"):
        item_update(item=item, data={"status": "accepted"}, actor=world.outsider)  # an admin of Globex
    item.refresh_from_db()
    assert item.status == "done"

"""Each item's has_criteria flag follows its criteria, whichever way they are written, so that the
items list (which reads criteria only for flagged items) never hides one."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from backlog.models import AcceptanceCriterion, BacklogItem
from backlog.services import criteria
from tests import factories as f
from tests.api.conftest import token_client


def _flag(item) -> bool:
    return BacklogItem.objects.values_list("has_criteria", flat=True).get(pk=item.pk)


def _listed_criteria(client, item, **filters) -> list[str]:
    """The item's criteria as the items list shows them (plain page, or the filtered path)."""
    rows = client.get("/api/v1/items/", {"product": item.product_id, **filters}).json()["results"]
    (row,) = [r for r in rows if r["id"] == item.pk]
    return [c["text"] for c in row["acceptance_criteria"]]


@pytest.mark.parametrize("filters", [{}, {"kind": "story"}], ids=["plain page", "filtered"])
def test_the_list_shows_criteria_as_they_are_added_and_removed(world, filters):
    client = token_client(world.users["product_owner"])
    item = f.BacklogItemFactory(product=world.product, kind="story")
    actor = world.users["product_owner"]
    assert _listed_criteria(client, item, **filters) == [] and not _flag(item)

    first = criteria.criterion_add(item=item, text="Receipt sent", actor=actor)
    criteria.criterion_add(item=item, text="Refund shown", actor=actor)
    assert _listed_criteria(client, item, **filters) == ["Receipt sent", "Refund shown"] and _flag(item)

    criteria.criterion_delete(criterion=first)
    assert _listed_criteria(client, item, **filters) == ["Refund shown"] and _flag(item)

    criteria.criterion_delete(criterion=item.acceptance_criteria.get())
    assert _listed_criteria(client, item, **filters) == [] and not _flag(item)

    criteria.item_criteria_sync(item=item, criteria=[{"text": "Works offline"}], actor=actor)
    assert _listed_criteria(client, item, **filters) == ["Works offline"] and _flag(item)

    criteria.item_criteria_sync(item=item, criteria=[], actor=actor)
    assert _listed_criteria(client, item, **filters) == [] and not _flag(item)


def test_criteria_written_through_the_api_and_the_pages_set_the_flag(world, client):
    api = token_client(world.users["product_owner"])
    created = api.post(
        "/api/v1/items/", {"product": world.product.pk, "title": "Refunds", "acceptance_criteria": [{"text": "a"}]}
    )
    assert created.status_code == 201, created.content
    item = BacklogItem.objects.get(pk=created.json()["id"])
    assert _flag(item) and _listed_criteria(api, item) == ["a"]

    assert api.patch(f"/api/v1/items/{item.pk}/", {"acceptance_criteria": []}).status_code == 200
    assert not _flag(item) and _listed_criteria(api, item) == []

    client.force_login(world.users["product_owner"])
    url = reverse("backlog:criterion_add", kwargs={"product_id": world.product.pk, "pk": item.pk})
    assert client.post(url, {"text": "Added in the page"}).status_code in (200, 302)
    assert _flag(item) and _listed_criteria(api, item) == ["Added in the page"]


def test_criteria_saved_in_the_admin_set_the_flag(world, client):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    item = f.BacklogItemFactory(product=world.product, title="Pay by link")
    url = reverse("admin:backlog_backlogitem_change", args=[item.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update({"acceptance_criteria-TOTAL_FORMS": "1", "acceptance_criteria-INITIAL_FORMS": "0"})
    data.update({"acceptance_criteria-0-order": "1", "acceptance_criteria-0-text": "Link expires in a day"})

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AcceptanceCriterion.objects.filter(item=item).count() == 1
    assert _flag(item)


@pytest.mark.usefixtures("postgres")
def test_deleting_the_last_criterion_while_another_is_being_added_keeps_the_flag(transactional_db):
    """One editor adds a criterion in a transaction that is still open when another deletes the only
    committed one: the delete must wait for the add and then count it, or the flag would hide it."""
    item = f.BacklogItemFactory(product=f.ProductFactory(key="FLG"))
    only = criteria.criterion_add(item=item, text="Old", actor=None)
    added, errors = threading.Event(), []

    def add() -> None:
        try:
            with transaction.atomic():
                criteria.criterion_add(item=item, text="New", actor=None)
                added.set()
                time.sleep(0.5)  # more work in the same transaction; the other editor deletes meanwhile
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            added.set()
            connection.close()

    def delete() -> None:
        try:
            added.wait(timeout=10)
            criteria.criterion_delete(criterion=only)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=add), threading.Thread(target=delete)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AcceptanceCriterion.objects.filter(item=item).values_list("text", flat=True)) == ["New"]
    assert _flag(item)

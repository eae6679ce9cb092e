"""The trash: deleting keeps the object (and what went with it) for 30 days; restoring brings it back with its
links; the purge removes only what is older; pages and API show only the user's workspaces."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backlog.models import AcceptanceCriterion, BacklogItem
from backlog.services.items import item_delete
from collaboration.models import Comment, TrashEntry
from collaboration.registry import kind_named
from collaboration.services.comments import comment_create
from collaboration.services.trash import trash_purge, trash_restore
from collaboration.tasks import trash_purge_old
from okrs.models import KeyResult, Measurement
from okrs.services.key_results import key_result_check_in, key_result_delete
from roadmap.models import Initiative
from roadmap.services.initiatives import initiative_delete
from tests import factories as f
from tests.conftest import ROLES

ITEM_DELETERS = {"admin", "product_manager", "product_owner"}
STRATEGY = {"admin", "product_manager"}


def _item_with_everything(world):
    sprint = f.SprintFactory(product=world.product)
    initiative = f.InitiativeFactory(product=world.product)
    item = f.BacklogItemFactory(product=world.product, title="Pay by card", sprint=sprint, initiative=initiative)
    child = f.BacklogItemFactory(product=world.product, title="Card form", parent=item)
    f.CriterionFactory(item=item, text="Given a card, then a receipt.")
    f.CriterionFactory(item=child, text="Given a form, then it validates.")
    comment = comment_create(
        kind=kind_named("backlog.backlogitem"), target=item, body="Ship it @po_user", author=world.users["admin"]
    )
    comment_create(
        kind=kind_named("backlog.backlogitem"),
        target=item,
        body="Agreed",
        author=world.users["product_owner"],
        parent=comment,
    )
    return item, child


def test_deleting_an_item_from_its_page_offers_undo_and_undo_brings_everything_back(world):
    item, child = _item_with_everything(world)
    before = {
        "item": BacklogItem.objects.filter(pk=item.pk).values().get(),
        "criteria": sorted(AcceptanceCriterion.objects.filter(item__in=[item, child]).values_list("pk", "text")),
        "comments": sorted(Comment.objects.values_list("pk", "body", "parent_id")),
    }
    client = world.client("product_owner")

    response = client.post(
        reverse("backlog:item_delete", kwargs={"product_id": world.product.pk, "pk": item.pk}), follow=True
    )

    assert not BacklogItem.objects.filter(pk=item.pk).exists()
    assert BacklogItem.objects.get(pk=child.pk).parent_id is None  # its epic is gone; it stays in the backlog
    assert not Comment.objects.exists()
    entry = TrashEntry.objects.get()
    html = response.content.decode()
    assert "is in the trash" in html and reverse("collaboration:trash_restore", kwargs={"pk": entry.pk}) in html

    undo = client.post(reverse("collaboration:trash_restore", kwargs={"pk": entry.pk}))

    assert undo.status_code == 302
    restored = BacklogItem.objects.filter(pk=item.pk).values().get()
    assert {k: v for k, v in restored.items() if k != "updated_at"} == {
        k: v for k, v in before["item"].items() if k != "updated_at"
    }
    assert BacklogItem.objects.get(pk=child.pk).parent_id == item.pk
    assert (
        sorted(AcceptanceCriterion.objects.filter(item__in=[item, child]).values_list("pk", "text"))
        == before["criteria"]
    )
    assert sorted(Comment.objects.values_list("pk", "body", "parent_id")) == before["comments"]
    assert not TrashEntry.objects.exists()


def test_restoring_an_initiative_relinks_its_items_and_key_results(world):
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    initiative = f.InitiativeFactory(product=world.product, title="Wallets")
    initiative.key_results.add(key_result)
    items = [f.BacklogItemFactory(product=world.product, initiative=initiative) for _ in range(2)]

    initiative_delete(initiative=initiative, actor=world.users["product_manager"])
    assert set(BacklogItem.objects.filter(pk__in=[i.pk for i in items]).values_list("initiative", flat=True)) == {None}
    trash_restore(entry=TrashEntry.objects.get(), actor=world.users["product_manager"])

    initiative = Initiative.objects.get(pk=initiative.pk)
    assert list(initiative.key_results.all()) == [key_result]
    assert set(BacklogItem.objects.filter(pk__in=[i.pk for i in items]).values_list("initiative", flat=True)) == {
        initiative.pk
    }


def test_restoring_a_key_result_brings_back_its_check_ins_and_initiative_links(world):
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    initiative = f.InitiativeFactory(product=world.product)
    initiative.key_results.add(key_result)
    key_result_check_in(key_result=key_result, value=Decimal("40"), confidence=80, note="", actor=None)
    pk = key_result.pk

    key_result_delete(key_result=key_result, actor=world.users["admin"])
    assert not Measurement.objects.filter(key_result_id=pk).exists()
    trash_restore(entry=TrashEntry.objects.get(), actor=world.users["admin"])

    assert KeyResult.objects.filter(pk=pk).exists()
    assert Measurement.objects.filter(key_result_id=pk).count() == 1
    assert list(initiative.key_results.values_list("pk", flat=True)) == [pk]


def test_a_restored_item_gives_way_to_a_newer_item_with_its_rank_or_number(world):
    item = f.BacklogItemFactory(product=world.product)
    rank, number = item.rank, item.number
    item_delete(item=item, actor=None)
    newcomer = f.BacklogItemFactory(product=world.product, rank=rank, number=number)

    trash_restore(entry=TrashEntry.objects.get(), actor=world.users["admin"])

    restored = BacklogItem.objects.get(pk=item.pk)
    assert (restored.rank, restored.number) != (newcomer.rank, newcomer.number)
    assert restored.rank > newcomer.rank and restored.number > newcomer.number


def test_what_belonged_to_a_deleted_parent_cannot_be_restored_and_says_so(world):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    key_result = f.KeyResultFactory(objective=objective)
    pk = key_result.pk
    key_result_delete(key_result=key_result, actor=None)
    objective.delete()  # bypassing the trash, as deleting a whole workspace's data would
    entry = TrashEntry.objects.get(target_id=pk)

    response = world.client("admin").post(reverse("collaboration:trash_restore", kwargs={"pk": entry.pk}), follow=True)

    assert "cannot be restored" in response.content.decode()
    assert not KeyResult.objects.filter(pk=pk).exists()
    assert TrashEntry.objects.filter(pk=entry.pk).exists()


def test_the_purge_removes_only_entries_older_than_30_days(world):
    old, recent = (f.BacklogItemFactory(product=world.product) for _ in range(2))
    item_delete(item=old, actor=None)
    item_delete(item=recent, actor=None)
    TrashEntry.objects.filter(target_id=old.pk).update(deleted_at=timezone.now() - timedelta(days=30, minutes=1))
    TrashEntry.objects.filter(target_id=recent.pk).update(deleted_at=timezone.now() - timedelta(days=29, hours=23))

    assert trash_purge_old.delay().get() == 1
    assert trash_purge() == 0  # a second run finds nothing more
    assert list(TrashEntry.objects.values_list("target_id", flat=True)) == [recent.pk]


def test_the_purge_is_on_beats_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "collaboration.tasks.trash_purge_old" in tasks


@pytest.mark.parametrize("role", ROLES)
def test_restoring_needs_what_deleting_needed(world, role):
    item = f.BacklogItemFactory(product=world.product)
    objective = f.ObjectiveFactory(workspace=world.workspace)
    item_delete(item=item, actor=None)
    from okrs.services.objectives import objective_delete

    objective_delete(objective=objective, actor=None)
    client = world.client(role)
    for entry, allowed, model, pk in (
        (
            TrashEntry.objects.get(target_id=item.pk, target_type__model="backlogitem"),
            ITEM_DELETERS,
            BacklogItem,
            item.pk,
        ),
        (TrashEntry.objects.get(target_type__model="objective"), STRATEGY, type(objective), objective.pk),
    ):
        response = client.post(reverse("collaboration:trash_restore", kwargs={"pk": entry.pk}))
        assert response.status_code == (302 if role in allowed else 403), (role, model)
        assert model.objects.filter(pk=pk).exists() == (role in allowed)
    assert client.get(reverse("collaboration:trash", kwargs={"workspace_id": world.workspace.pk})).status_code == 200


def test_no_trash_entry_of_another_workspace_is_visible(world, api):
    ours = f.BacklogItemFactory(product=world.product, title="Ours")
    theirs = f.BacklogItemFactory(product=world.other_product, title="Theirs")
    item_delete(item=ours, actor=None)
    item_delete(item=theirs, actor=None)
    ours_entry = TrashEntry.objects.get(target_id=ours.pk)
    outsider = world.client("outsider")

    page = outsider.get(reverse("collaboration:trash", kwargs={"workspace_id": world.other_workspace.pk}))
    listing = api("outsider").get("/api/v1/trash/").json()["results"]

    assert "Theirs" in page.content.decode() and "Ours" not in page.content.decode()
    assert [row["title"] for row in listing] == [f"{world.other_product.key}-{theirs.number} Theirs"]
    assert outsider.get(reverse("collaboration:trash", kwargs={"workspace_id": world.workspace.pk})).status_code == 404
    assert outsider.post(reverse("collaboration:trash_restore", kwargs={"pk": ours_entry.pk})).status_code == 404
    assert api("outsider").post(f"/api/v1/trash/{ours_entry.pk}/restore/").status_code == 404
    assert not BacklogItem.objects.filter(pk=ours.pk).exists()


def test_the_api_restores_and_deleting_through_the_api_goes_to_the_trash(world, api):
    item = f.BacklogItemFactory(product=world.product)
    client = api("product_owner")

    assert client.delete(f"/api/v1/items/{item.pk}/").status_code == 204
    entry = client.get("/api/v1/trash/").json()["results"][0]
    response = client.post(f"/api/v1/trash/{entry['id']}/restore/")

    assert response.status_code == 200 and response.json() == {"type": "backlog.backlogitem", "id": item.pk}
    assert BacklogItem.objects.filter(pk=item.pk).exists()


def test_deleting_forever_is_for_admins_and_the_page_asks_first(world):
    item = f.BacklogItemFactory(product=world.product)
    item_delete(item=item, actor=None)
    entry = TrashEntry.objects.get()
    url = reverse("collaboration:trash_delete", kwargs={"pk": entry.pk})

    page = world.client("admin").get(reverse("collaboration:trash", kwargs={"workspace_id": world.workspace.pk}))
    assert 'data-confirm="Delete' in page.content.decode()
    assert world.client("product_manager").post(url).status_code == 403
    assert world.client("admin").post(url).status_code == 302
    assert not TrashEntry.objects.exists()

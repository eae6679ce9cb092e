"""Items done before `done_at` existed get their last update as the time they were done."""

from importlib import import_module

from django.apps import apps as global_apps
from django.utils import timezone

from backlog.models import BacklogItem, ItemStatus
from tests import factories as f

migration = import_module("backlog.migrations.0007_done_at_for_items_done_before")


def test_done_items_without_done_at_get_their_last_update(world):
    stamp = timezone.now() - timezone.timedelta(days=40)
    done = f.BacklogItemFactory(product=world.product, status=ItemStatus.DONE)
    accepted = f.BacklogItemFactory(product=world.product, status=ItemStatus.ACCEPTED)
    open_item = f.BacklogItemFactory(product=world.product, status=ItemStatus.IN_PROGRESS)
    known = timezone.now() - timezone.timedelta(days=3)
    kept = f.BacklogItemFactory(product=world.product, status=ItemStatus.DONE)
    BacklogItem.objects.filter(pk__in=[done.pk, accepted.pk, open_item.pk]).update(done_at=None, updated_at=stamp)
    BacklogItem.objects.filter(pk=kept.pk).update(done_at=known)

    migration.fill_done_at(global_apps, None)

    got = dict(BacklogItem.objects.values_list("pk", "done_at"))
    assert got[done.pk] == stamp and got[accepted.pk] == stamp
    assert got[open_item.pk] is None  # not done: nothing to record
    assert got[kept.pk] == known  # a recorded time is never overwritten

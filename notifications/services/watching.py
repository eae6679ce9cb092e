"""Writes of watches: who hears of changes to an object."""

from django.db import transaction

from ..models import Watch, WatchReason
from ..targets import Target


@transaction.atomic
def watch_add(*, user_ids, target: Target, reason: str = WatchReason.MANUAL) -> None:
    """Make each user (an id, or a User) watch `target`; a user who already watches it keeps the watch."""
    ids = {getattr(u, "pk", u) for u in user_ids if u}
    Watch.objects.bulk_create(
        [
            Watch(
                workspace_id=target.workspace_id,
                user_id=uid,
                target_type=target.type,
                target_id=target.id,
                reason=reason,
            )
            for uid in sorted(ids)
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def watch_remove(*, user, target: Target) -> None:
    Watch.objects.filter(user=user, target_type=target.type, target_id=target.id).delete()


@transaction.atomic
def watch_set(*, user, target: Target, watching: bool) -> bool:
    """Watch or stop watching, as the user chose; returns whether they watch now."""
    if watching:
        watch_add(user_ids=[user.pk], target=target)
    else:
        watch_remove(user=user, target=target)
    return watching


@transaction.atomic
def watches_forget(*, target: Target) -> None:
    """The object is gone: nobody watches it any more."""
    Watch.objects.filter(workspace_id=target.workspace_id, target_type=target.type, target_id=target.id).delete()

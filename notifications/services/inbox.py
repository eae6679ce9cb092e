"""The inbox: notifications written from domain events (inside the write's transaction), marked read by users.

`notifications_record` is subscribed to core.events in apps.py. It only writes rows of this app
and outbox messages (the immediate emails), so what it records commits or rolls back with the
write that caused it.
"""

from django.db import transaction
from django.utils import timezone

from core.outbox import enqueue
from workspaces.selectors import users_of_workspace

from ..models import IMMEDIATE_KINDS, Notification, NotificationKind, TargetType, Watch, WatchReason
from ..targets import COMMENT_TARGETS, EVENT_TARGETS, Target, event_verb, target_url
from .live import live_inbox_touched
from .watching import watch_add, watches_forget

# Moving an item in the backlog's manual order is grooming, not news for the item's watchers.
QUIET_EVENTS = frozenset({"item.moved"})
COMMENT_EVENTS = frozenset({"comment.created", "comment.updated"})
TITLE_MAX = 300


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _int_list(values) -> list[int]:
    return [v for v in (values or []) if _int(v)] if isinstance(values, list | tuple) else []


def _members(workspace_id: int, user_ids) -> set[int]:
    """Of these users, the ones who are still members of the workspace."""
    ids = {u for u in user_ids if u}
    if not ids:
        return set()
    return set(users_of_workspace(workspace_id=workspace_id).filter(pk__in=ids).values_list("pk", flat=True))


def _notify(
    *, target: Target, recipients, kind: str, event: str, actor_id: int | None, title: str, summary: str, url: str = ""
):
    recipients = sorted(_members(target.workspace_id, set(recipients) - {actor_id}))
    if not recipients:
        return []
    url = url or target_url(
        target_type=target.type, target_id=target.id, workspace_id=target.workspace_id, product_id=target.product_id
    )
    if event.endswith(".deleted"):
        url = ""
    rows = Notification.objects.bulk_create(
        [
            Notification(
                workspace_id=target.workspace_id,
                recipient_id=uid,
                actor_id=actor_id,
                kind=kind,
                event=event,
                target_type=target.type,
                target_id=target.id,
                title=title[:TITLE_MAX],
                summary=summary[:TITLE_MAX],
                url=url,
            )
            for uid in recipients
        ]
    )
    if kind in IMMEDIATE_KINDS:
        enqueue("notifications.tasks.notifications_email_now", notification_ids=[n.pk for n in rows])
    live_inbox_touched(workspace_id=target.workspace_id, user_ids=recipients)
    return rows


def _watchers(target: Target) -> set[int]:
    return set(
        Watch.objects.filter(
            workspace_id=target.workspace_id, target_type=target.type, target_id=target.id
        ).values_list("user_id", flat=True)
    )


def _from_domain_event(event: str, workspace_id: int, data: dict) -> None:
    target_type = EVENT_TARGETS[event]
    target_id = _int(data.get("id"))
    if target_id is None:
        return
    target = Target(type=target_type, id=target_id, workspace_id=workspace_id, product_id=_int(data.get("product")))
    actor_id = _int(data.get("actor"))
    title = str(data.get("title") or f"{TargetType(target_type).label} #{target_id}")
    owner_id = _int(data.get("owner"))
    created = event.endswith(".created")
    changed = data.get("changed") if isinstance(data.get("changed"), list) else []

    assigned_to = owner_id if owner_id and (created or "owner" in changed) else None
    if created and actor_id:
        watch_add(user_ids=[actor_id], target=target, reason=WatchReason.CREATOR)
    if assigned_to:
        watch_add(user_ids=[assigned_to], target=target, reason=WatchReason.OWNER)
        _notify(
            target=target,
            recipients=[assigned_to],
            kind=NotificationKind.ASSIGNMENT,
            event=event,
            actor_id=actor_id,
            title=title,
            summary="assigned to you",
        )
    if created or event in QUIET_EVENTS:
        return
    summary = event_verb(event)
    if changed:
        summary = f"{summary}: {', '.join(str(c) for c in changed[:8])}"
    _notify(
        target=target,
        recipients=_watchers(target) - {assigned_to},
        kind=NotificationKind.CHANGE,
        event=event,
        actor_id=actor_id,
        title=title,
        summary=summary,
    )
    if event.endswith(".deleted"):
        watches_forget(target=target)


def _from_comment(event: str, workspace_id: int, data: dict) -> None:
    """collaboration's comment events: the people mentioned are told at once (and watch the object);
    on a new comment, the object's other watchers hear of it. The link goes to the comment itself."""
    target_info = data.get("target") if isinstance(data.get("target"), dict) else {}
    target_type = COMMENT_TARGETS.get(str(target_info.get("type", "")).lower(), TargetType.OTHER)
    target_id = _int(target_info.get("id"))
    if target_id is None:
        return
    target = Target(type=target_type, id=target_id, workspace_id=workspace_id)
    actor_id = _int(data.get("author"))
    title = str(target_info.get("title") or f"{TargetType(target_type).label} #{target_id}")
    url = str(data.get("url") or target_info.get("url") or "")
    url = url if url.startswith("/") and not url.startswith("//") else ""
    watchable = target_type != TargetType.OTHER
    if watchable and actor_id and event == "comment.created":
        watch_add(user_ids=[actor_id], target=target, reason=WatchReason.CREATOR)
    mentioned = _members(workspace_id, set(_int_list(data.get("mentions"))) - {actor_id})
    if mentioned:
        if watchable:
            watch_add(user_ids=mentioned, target=target, reason=WatchReason.MENTION)
        _notify(
            target=target,
            recipients=mentioned,
            kind=NotificationKind.MENTION,
            event=event,
            actor_id=actor_id,
            title=title,
            summary="mentioned you in a comment",
            url=url,
        )
    if event == "comment.created" and watchable:
        _notify(
            target=target,
            recipients=_watchers(target) - mentioned,
            kind=NotificationKind.COMMENT,
            event=event,
            actor_id=actor_id,
            title=title,
            summary="commented",
            url=url,
        )


def notifications_record(*, event: str, workspace_id: int, data: dict) -> None:
    """core.events subscriber: watches and notifications that follow from a domain event."""
    if event in EVENT_TARGETS:
        _from_domain_event(event, workspace_id, data)
    elif event in COMMENT_EVENTS:
        _from_comment(event, workspace_id, data)


@transaction.atomic
def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given); returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())

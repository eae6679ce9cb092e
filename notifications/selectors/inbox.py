"""Reads of the inbox and watches: always the signed-in user's own, in workspaces they are still a member of."""

from django.db.models import QuerySet

from workspaces.selectors import workspace_ids_for_user

from ..models import Notification, Watch
from ..targets import Target


def inbox_for_user(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user, workspace__in=workspace_ids_for_user(user=user))
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.select_related("actor", "workspace").order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    """One count on the partial index of unread rows."""
    return inbox_for_user(user=user, unread_only=True).order_by().count()


def notification_for_user(*, user, notification_id: int) -> Notification | None:
    return inbox_for_user(user=user).filter(pk=notification_id).first()


def is_watching(*, user, target: Target) -> bool:
    return Watch.objects.filter(user=user, target_type=target.type, target_id=target.id).exists()


def watches_for_user(*, user) -> QuerySet[Watch]:
    return Watch.objects.filter(user=user, workspace__in=workspace_ids_for_user(user=user)).order_by(
        "-created_at", "-pk"
    )

"""Reads of comments, scoped to the user's workspaces: the thread of one object, mention candidates, the API list."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from workspaces.models import Role
from workspaces.selectors import Access, workspace_access, workspace_ids_for_user

from ..models import Comment
from ..registry import Kind, kind_named

MENTION_SUGGESTIONS = 8


def commentable_kind(label: str) -> Kind:
    kind = kind_named(label)
    if kind is None or not kind.commentable:
        raise Http404("No such kind of object.")
    return kind


def object_for_user(*, user, label: str, target_id: int) -> tuple[Kind, object, Access]:
    """An object of a registered kind, and the user's access to its workspace: 404 outside their workspaces."""
    kind = kind_named(label)
    if kind is None:
        raise Http404("No such kind of object.")
    queryset = kind.model.objects.select_related(*kind.select_related)
    target = get_object_or_404(kind.scoped(queryset, workspace_ids_for_user(user=user)), pk=target_id)
    return kind, target, workspace_access(user=user, workspace_id=kind.workspace_id_of(target))


def comment_target_for_user(*, user, label: str, target_id: int) -> tuple[Kind, object, Access]:
    """The object a thread belongs to, and the user's access to its workspace: 404 outside their workspaces."""
    kind = commentable_kind(label)
    queryset = kind.model.objects.select_related(*kind.select_related)
    target = get_object_or_404(kind.scoped(queryset, workspace_ids_for_user(user=user)), pk=target_id)
    return kind, target, workspace_access(user=user, workspace_id=kind.workspace_id_of(target))


def can_comment(access: Access) -> bool:
    """Every member but a viewer may comment (executives too: stakeholders talk here)."""
    return access.role != Role.VIEWER


def require_comment(access: Access) -> None:
    if not can_comment(access):
        raise PermissionDenied("Viewers read comments but do not write them.")


def comment_thread(*, kind: Kind, target) -> QuerySet[Comment]:
    """The top-level comments of `target`, oldest first, with their authors and replies."""
    replies = Comment.objects.select_related("author").order_by("created_at", "id")
    return (
        Comment.objects.filter(
            target_type=ContentType.objects.get_for_model(kind.model), target_id=target.pk, parent__isnull=True
        )
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )


def comment_of_target(*, kind: Kind, target, comment_id: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("author"),
        target_type=ContentType.objects.get_for_model(kind.model),
        target_id=target.pk,
        pk=comment_id,
    )


def comments_for_user(*, user) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(workspace__in=workspace_ids_for_user(user=user))
        .select_related("author", "target_type")
        .prefetch_related("mentions")
    )


def mention_candidates(*, workspace_id: int, prefix: str) -> list[dict]:
    """Members of the workspace whose username (or name) starts with `prefix`, for @-autocomplete."""
    prefix = prefix.strip()[:150]
    users = get_user_model().objects.filter(memberships__workspace_id=workspace_id, is_active=True)
    if prefix:
        users = users.filter(username__istartswith=prefix) | users.filter(first_name__istartswith=prefix)
    return [
        {"username": u.username, "name": u.get_full_name()}
        for u in users.distinct().order_by("username")[:MENTION_SUGGESTIONS]
    ]

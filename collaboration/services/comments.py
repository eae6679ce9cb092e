"""Writes of comments: post (or reply), edit and delete by the author. Each announces comment.* events."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.events import publish
from core.services import instance_create

from ..events import COMMENT_CREATED, COMMENT_DELETED, COMMENT_UPDATED
from ..markdown import mentioned_names, render_markdown
from ..models import COMMENT_MAX, Comment
from ..registry import Kind, kind_of_model

MENTIONS_MAX = 20  # people one comment may mention


def _mentioned_users(*, body: str, workspace_id: int, author) -> list:
    names = mentioned_names(body)
    if not names:
        return []
    matches = Q()
    for name in sorted(names)[: MENTIONS_MAX * 5]:
        matches |= Q(username__iexact=name)
    users = list(
        get_user_model()
        .objects.filter(matches, memberships__workspace_id=workspace_id)
        .exclude(pk=getattr(author, "pk", None))
        .order_by("username")
        .distinct()
    )
    if len(users) > MENTIONS_MAX:
        raise ValidationError({"body": f"Mention at most {MENTIONS_MAX} people in one comment."})
    return users


def _render(comment: Comment, users: list) -> None:
    author_name = {comment.author.username} if comment.author_id else set()
    comment.body_html = render_markdown(comment.body, mentioned={u.username for u in users} | author_name)


def comment_payload(comment: Comment, *, kind: Kind, target, mentions: list[int]) -> dict:
    url = kind.url(target)
    return {
        "id": comment.pk,
        "target": {"type": kind.label, "id": target.pk, "title": str(target)[:200], "url": url},
        "parent": comment.parent_id,
        "author": comment.author_id,
        "mentions": mentions,
        "url": f"{url}#comment-{comment.pk}",
    }


@transaction.atomic
def comment_create(*, kind: Kind, target, body: str, author, parent: Comment | None = None) -> Comment:
    """Post a comment on `target` (or a reply to `parent`, a top-level comment of the same target).

    Mentioned members of the target's workspace are recorded and announced (comment.created).
    """
    workspace_id = kind.workspace_id_of(target)
    target_type = ContentType.objects.get_for_model(kind.model)
    if parent is not None:
        if parent.target_type_id != target_type.pk or parent.target_id != target.pk:
            raise ValidationError({"parent": "Reply to a comment of the same object."})
        if parent.parent_id is not None:
            parent = parent.parent  # threads are one level deep: a reply to a reply joins its thread
    comment = Comment(
        workspace_id=workspace_id,
        target_type=target_type,
        target_id=target.pk,
        parent=parent,
        author=author,
        body=body.strip(),
    )
    if not comment.body:
        raise ValidationError({"body": "Write something first."})
    users = _mentioned_users(body=comment.body, workspace_id=workspace_id, author=author)
    _render(comment, users)
    comment = instance_create(instance=comment, actor=author, m2m={"mentions": users})
    publish(
        event=COMMENT_CREATED,
        workspace_id=workspace_id,
        data=comment_payload(comment, kind=kind, target=target, mentions=[u.pk for u in users]),
    )
    return comment


def comments_import(*, entries: list[tuple[object, str]], author) -> int:
    """Comments an importer brings along with the objects it creates ((target, body) each), inserted in
    one statement; returns how many. The body follows the rules of a post (trimmed, at most COMMENT_MAX
    characters, Markdown made safe; a blank one is left out), and the workspace is the target's. They are
    history, not news: no mention is recorded or announced, no `comment.created` is sent, and nobody is
    made a watcher (an import of 50,000 issues must not notify anyone 50,000 times)."""
    comments = []
    for target, text in entries:
        kind = kind_of_model(type(target))
        body = text.strip()
        if kind is None or not kind.commentable:
            raise ValidationError({"target": f"{type(target).__name__} takes no comments."})
        if not body:
            continue
        if len(body) > COMMENT_MAX:
            raise ValidationError({"body": f"At most {COMMENT_MAX} characters."})
        comment = Comment(
            workspace_id=kind.workspace_id_of(target),
            target_type=ContentType.objects.get_for_model(kind.model),
            target_id=target.pk,
            author=author,
            created_by=author if getattr(author, "is_authenticated", False) else None,
            body=body,
        )
        comment.body_html = render_markdown(body, mentioned=set())
        comments.append(comment)
    Comment.objects.bulk_create(comments, batch_size=1000)
    return len(comments)


def _require_author(comment: Comment, actor) -> None:
    if comment.author_id is None or comment.author_id != actor.pk:
        raise PermissionDenied("Only its author may change a comment.")


@transaction.atomic
def comment_update(*, comment: Comment, kind: Kind, target, body: str, actor) -> Comment:
    """The author edits their comment: it shows "edited"; only newly mentioned people are announced."""
    _require_author(comment, actor)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write something first, or delete the comment."})
    if body == comment.body:
        return comment
    before = set(comment.mentions.values_list("pk", flat=True))
    users = _mentioned_users(body=body, workspace_id=comment.workspace_id, author=actor)
    comment.body = body
    _render(comment, users)
    comment.edited_at = timezone.now()
    comment.version += 1
    comment.full_clean()
    comment.save(update_fields=["body", "body_html", "edited_at", "version", "updated_at"])
    comment.mentions.set(users)
    data = comment_payload(comment, kind=kind, target=target, mentions=[u.pk for u in users if u.pk not in before])
    publish(event=COMMENT_UPDATED, workspace_id=comment.workspace_id, data={**data, "changed": ["body"]})
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, kind: Kind, target, actor) -> None:
    """The author deletes their comment (its replies go with it)."""
    _require_author(comment, actor)
    data = comment_payload(comment, kind=kind, target=target, mentions=[])
    comment.delete()
    publish(event=COMMENT_DELETED, workspace_id=comment.workspace_id, data=data)

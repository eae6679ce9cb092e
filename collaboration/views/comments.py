"""Comment pages: htmx fragments that an object's page loads by URL (one include line), and mention suggestions."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_validation_error
from workspaces.selectors import workspace_access

from ..models import COMMENT_MAX, Comment
from ..selectors.comments import (
    can_comment,
    comment_of_target,
    comment_target_for_user,
    comment_thread,
    mention_candidates,
    require_comment,
)
from ..services.comments import comment_create, comment_delete, comment_update


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": "", "placeholder": "Markdown; @ to mention"}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def _thread(request, *, kind, target, access, form=None, editing: int | None = None, status=200):
    context = {
        "kind": kind,
        "target": target,
        "comments": comment_thread(kind=kind, target=target),
        "can_comment": can_comment(access),
        "form": form or CommentForm(),
        "editing": editing,
        "label": kind.label,
        "workspace_id": access.workspace.pk,
        "body_max": COMMENT_MAX,
    }
    return render(request, "collaboration/_comments.html", context, status=status)


def _back(kind, target, anchor: str = "comments"):
    return redirect(f"{kind.url(target)}#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def comments(request, label: str, target_id: int):
    """GET: the thread of an object (a fragment). POST: add a comment or a reply, answer the new thread."""
    kind, target, access = comment_target_for_user(user=request.user, label=label, target_id=target_id)
    if request.method == "GET":
        return _thread(request, kind=kind, target=target, access=access)
    require_comment(access)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = comment_of_target(kind=kind, target=target, comment_id=form.cleaned_data["parent"])
        try:
            comment = comment_create(
                kind=kind, target=target, body=form.cleaned_data["body"], author=request.user, parent=parent
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if not request.htmx:
                return _back(kind, target, f"comment-{comment.pk}")
            return _thread(request, kind=kind, target=target, access=access)
    if not request.htmx:
        return _thread(request, kind=kind, target=target, access=access, form=form, status=400)
    return _thread(request, kind=kind, target=target, access=access, form=form, status=200)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, label: str, target_id: int, pk: int):
    """GET: the thread with this comment in an editor. POST: save the author's edit."""
    kind, target, access = comment_target_for_user(user=request.user, label=label, target_id=target_id)
    comment = comment_of_target(kind=kind, target=target, comment_id=pk)
    if request.method == "GET":
        return _thread(request, kind=kind, target=target, access=access, editing=comment.pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_update(
                comment=comment, kind=kind, target=target, body=form.cleaned_data["body"], actor=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if not request.htmx:
                return _back(kind, target, f"comment-{comment.pk}")
            return _thread(request, kind=kind, target=target, access=access)
    return _thread(request, kind=kind, target=target, access=access, editing=comment.pk, status=400)


@login_required
@require_POST
def comment_remove(request, label: str, target_id: int, pk: int):
    """The author deletes a comment (the page asked for confirmation: this cannot be undone)."""
    kind, target, access = comment_target_for_user(user=request.user, label=label, target_id=target_id)
    comment: Comment = comment_of_target(kind=kind, target=target, comment_id=pk)
    comment_delete(comment=comment, kind=kind, target=target, actor=request.user)
    if not request.htmx:
        return _back(kind, target)
    return _thread(request, kind=kind, target=target, access=access)


@login_required
@require_GET
def mentions(request, workspace_id: int):
    """?q=<prefix>: up to eight members of the workspace to @mention (JSON)."""
    workspace_access(user=request.user, workspace_id=workspace_id)
    return JsonResponse({"results": mention_candidates(workspace_id=workspace_id, prefix=request.GET.get("q", ""))})

"""History pages: an object's timeline (an htmx fragment) and a workspace's activity feed with filters."""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from workspaces.selectors import users_of_workspace, workspace_access, workspace_ids_for_user

from ..history import TRACKED
from ..registry import kind_named
from ..selectors.comments import object_for_user
from ..selectors.history import activity_page

TIMELINE_PAGE = 20
FEED_PAGE = 50


def _kind_choices():
    return [("", "Any kind")] + sorted(
        ((label, t.noun.capitalize()) for label, t in TRACKED.items()), key=lambda c: c[1]
    )


class ActivityFilter(forms.Form):
    kind = forms.ChoiceField(label="Object type", required=False, choices=_kind_choices)
    user = forms.ModelChoiceField(label="Changed by", required=False, queryset=None, empty_label="Anyone")
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    cursor = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, workspace_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_of_workspace(workspace_id=workspace_id)


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
@require_GET
def activity(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    form = ActivityFilter(request.GET or None, workspace_id=workspace_id)
    rows, next_cursor, error = [], None, None
    if form.is_bound and not form.is_valid():
        error = "Check the filters."
    else:
        data = form.cleaned_data if form.is_bound else {}
        try:
            rows, next_cursor = activity_page(
                workspace_ids=[workspace_id],
                kinds=[data["kind"]] if data.get("kind") else None,
                user_id=data["user"].pk if data.get("user") else None,
                since=_day_start(data["since"]) if data.get("since") else None,
                until=_day_start(data["until"] + timedelta(days=1)) if data.get("until") else None,
                cursor=data.get("cursor") or None,
                limit=FEED_PAGE,
            )
        except ValueError as problem:
            error = str(problem)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "collaboration/activity.html",
        {
            "workspace": access.workspace,
            "access": access,
            "form": form,
            "rows": rows,
            "next_cursor": next_cursor,
            "query": query.urlencode(),
            "error": error,
            "history_recorded": settings.HISTORY_RECORDED,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def timeline(request, label: str, target_id: int):
    """The changes of one object (and of the rows that belong to it), newest first; ?cursor= for more."""
    if label not in TRACKED:
        raise Http404("No history for this kind of object.")
    kind, target, access = object_for_user(user=request.user, label=label, target_id=target_id)
    try:
        rows, next_cursor = activity_page(
            workspace_ids=[access.workspace.pk],
            target=(label, target.pk),
            cursor=request.GET.get("cursor"),
            limit=TIMELINE_PAGE,
        )
    except ValueError as problem:
        return render(request, "collaboration/_timeline.html", {"error": str(problem)}, status=400)
    return render(
        request,
        "collaboration/_timeline.html",
        {
            "rows": rows,
            "next_cursor": next_cursor,
            "label": label,
            "target": target,
            "history_recorded": settings.HISTORY_RECORDED,
            "more": bool(request.GET.get("cursor")),
        },
    )


@login_required
@require_GET
def open_object(request, label: str, target_id: int):
    """The page of an object named by kind and id (links of the activity feed and notifications)."""
    kind = kind_named(label)
    if kind is None:
        raise Http404("No page for this kind of object.")
    queryset = kind.scoped(
        kind.model.objects.select_related(*kind.select_related), workspace_ids_for_user(user=request.user)
    )
    target = queryset.filter(pk=target_id).first()
    if target is None:
        raise Http404("It was deleted, or is not in your workspaces.")
    return redirect(kind.url(target))

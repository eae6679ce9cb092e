"""Pages of the inbox: the list, the unread badge in the header, mark read, email preferences, unsubscribe."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..selectors.inbox import inbox_for_user, notification_for_user, unread_count
from ..services.email import (
    email_preference_save,
    email_unsubscribe,
    preference_of,
    unsubscribe_token_read,
)
from ..services.inbox import notification_mark_read

PAGE_SIZE = 50


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(inbox_for_user(user=request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "notifications/inbox.html", {"page": page, "rows": page.object_list, "unread_only": unread_only}
    )


@login_required
def bell(request):
    """The header's inbox link with the unread count (loaded by htmx, refreshed when live updates say so)."""
    response = render(request, "notifications/_partials/bell.html", {"unread": unread_count(user=request.user)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about (or back to the inbox)."""
    notification = notification_for_user(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404("No such notification.")
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if request.POST.get("stay") or not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def notifications_read_all(request):
    count = notification_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notifications:inbox")


class PreferenceForm(forms.Form):
    immediate = forms.BooleanField(required=False, label="Email me at once when I am mentioned or assigned")
    digest = forms.BooleanField(required=False, label="Email me a daily digest of changes to what I watch")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = preference_of(request.user.pk)
    form = PreferenceForm(
        request.POST or None, initial={"immediate": preference.immediate, "digest": preference.digest}
    )
    if request.method == "POST" and form.is_valid():
        email_preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Email preferences saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


WHAT_LABELS = {
    "immediate": "emails about mentions and assignments",
    "digest": "the daily digest",
    "all": "all notification emails",
}


@csrf_exempt  # the signed token is the authority; mail clients post here with one click (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Stop notification emails without signing in: GET asks, POST does it (link scanners only GET)."""
    try:
        user_id, what = unsubscribe_token_read(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        email_unsubscribe(user_id=user_id, what=what)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"what": WHAT_LABELS[what], "done": done, "action": reverse("notifications:unsubscribe", args=[token])},
    )

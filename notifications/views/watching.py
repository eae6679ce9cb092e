"""The watch / unwatch button on item, initiative, objective and key result pages (an htmx fragment)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..selectors.inbox import is_watching
from ..selectors.targets import target_for_user
from ..services.watching import watch_set


@login_required
@require_http_methods(["GET", "POST"])
def watch_button(request, target_type: str, target_id: int):
    """GET: the button as it stands; POST watching=1|0: watch or stop watching. Any member may watch."""
    target, title = target_for_user(user=request.user, target_type=target_type, target_id=target_id)
    if request.method == "POST":
        watching = watch_set(user=request.user, target=target, watching=request.POST.get("watching") == "1")
    else:
        watching = is_watching(user=request.user, target=target)
    return render(
        request,
        "notifications/_partials/watch_button.html",
        {"watching": watching, "target_type": target.type, "target_id": target.id, "title": title},
    )

"""Sprint lifecycle pages: start, the completion dialog (where unfinished work goes), and the review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from workspaces.models import Capability

from ..forms import SprintCompleteForm
from ..models import DONE_STATUSES, BacklogItem, SprintStatus
from ..selectors.sprint_history import sprint_review as review_of
from ..services import sprints as sprint_services
from .items import error_text
from .sprints import sprint_for


def _detail(access, sprint) -> str:
    return reverse("backlog:sprint_detail", kwargs={"product_id": access.product.pk, "pk": sprint.pk})


@login_required
@require_POST
def sprint_start(request, product_id: int, pk: int):
    access, sprint = sprint_for(request, product_id, pk, Capability.MANAGE_SPRINTS)
    try:
        sprint_services.sprint_start(sprint=sprint, actor=request.user)
    except (ValidationError, ApplicationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{sprint.name} started: its scope is the burndown's baseline.")
    return redirect(_detail(access, sprint))


@login_required
def sprint_complete(request, product_id: int, pk: int):
    """The completion dialog: the unfinished items, and where they go (next sprint, a new one, the backlog)."""
    access, sprint = sprint_for(request, product_id, pk, Capability.MANAGE_SPRINTS)
    form = SprintCompleteForm(request.POST or None, sprint=sprint)
    if request.method == "POST" and form.is_valid():
        try:
            sprint_services.sprint_complete(
                sprint=sprint,
                carry_over=form.cleaned_data["carry_over"],
                target=form.cleaned_data["target"],
                actor=request.user,
            )
        except (ValidationError, ApplicationError) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"{sprint.name} completed.")
            return redirect(reverse("backlog:sprint_review", kwargs={"product_id": access.product.pk, "pk": sprint.pk}))
    unfinished = (
        BacklogItem.objects.filter(sprint=sprint)
        .exclude(status__in=DONE_STATUSES)
        .select_related("product")
        .order_by("rank")
    )
    context = {
        "access": access,
        "perms": access.perms,
        "product": access.product,
        "workspace": access.workspace,
        "sprint": sprint,
        "form": form,
        "unfinished": unfinished,
        "next_sprint": sprint_services.next_sprint(sprint=sprint),
        "is_active": sprint.status == SprintStatus.ACTIVE,
    }
    return render(request, "backlog/sprint_complete.html", context, status=400 if form.errors else 200)


@login_required
def sprint_review(request, product_id: int, pk: int):
    """The sprint review: accepted and rejected work with reasons, carried-over items, and a summary to share."""
    access, sprint = sprint_for(request, product_id, pk)
    context = {
        "access": access,
        "perms": access.perms,
        "product": access.product,
        "workspace": access.workspace,
        "sprint": sprint,
        "review": review_of(sprint=sprint),
    }
    return render(request, "backlog/sprint_review.html", context)

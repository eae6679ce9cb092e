"""Sprint pages: the sprint list and detail (capacity, velocity, burndown), planning, and the review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from products.pages import Column, Crud
from products.selectors import product_access
from workspaces.models import Capability

from ..forms import PlanForm, RejectForm, SprintForm
from ..models import DONE_STATUSES, BacklogItem, Sprint, SprintStatus
from ..selectors.items import item_list, item_rows, items_decorate, items_with_product
from ..selectors.sprint_history import sprint_burndown, sprint_commitments, sprint_date_warnings
from ..selectors.sprints import sprint_capacity, sprint_list, sprint_velocity
from ..services import sprints as sprint_services
from .items import LIST_DEFERRED, error_text, item_crud, item_for, next_url, wants_json


class SprintCrud(Crud):
    model, form_class, namespace, name, url_segment = Sprint, SprintForm, "backlog", "sprint", "sprints"
    capability = Capability.MANAGE_SPRINTS
    detail_template = "backlog/sprint_detail.html"
    columns = [
        Column("Sprint", "name", link=True),
        Column("Start", "start_date"),
        Column("End", "end_date"),
        Column("Status", "status"),
        Column("Capacity", "capacity_points", css="num"),
        Column("Planned", "planned_points", css="num"),
        Column("Accepted", "accepted_points", css="num"),
        Column("Check", lambda sprint: " ".join(sprint_date_warnings(sprint=sprint)) or "", css="dep-warning"),
    ]
    empty_hint = "Plan a sprint: a goal, dates and the points the team can take on."

    def get_queryset(self, access):
        return sprint_list(product=access.product)

    def detail_extra(self, request, access, obj):
        items = items_decorate(items=list(item_list(product=access.product).filter(sprint=obj).order_by("rank")))
        return {
            "items": items,
            "capacity": sprint_capacity(sprint=obj),
            "velocity": sprint_velocity(product=access.product, before=obj),
            "burndown": sprint_burndown(sprint=obj),
            "date_warnings": sprint_date_warnings(sprint=obj),
            "commitments": sprint_commitments(product=access.product),
            "can_decide": access.can(Capability.MANAGE_SPRINTS),
            "reject_form": RejectForm(),
        }


sprint_crud = SprintCrud()


def sprint_for(request, product_id: int, pk: int, capability: str | None = None):
    access = product_access(user=request.user, product_id=product_id)
    sprint = get_object_or_404(Sprint.objects.filter(product=access.product), pk=pk)
    if capability:
        access.require(capability)
    return access, sprint


PLAN_BACKLOG_ROWS = 200  # the top of the backlog by rank: what a planning session drags from


def _plan_context(access, sprint) -> dict:
    # A card shows the item's own columns only: the rows are read without their related rows.
    items = item_rows(product=access.product, deferred=LIST_DEFERRED).order_by("rank")
    return {
        "access": access,
        "perms": access.perms,
        "product": access.product,
        "workspace": access.workspace,
        "sprint": sprint,
        "sprint_items": items_with_product(list(items.filter(sprint=sprint)), access.product),
        "backlog_items": items_with_product(
            list(items.filter(sprint__isnull=True).exclude(status__in=DONE_STATUSES)[:PLAN_BACKLOG_ROWS]),
            access.product,
        ),
        "capacity": sprint_capacity(sprint=sprint),
        "velocity": sprint_velocity(product=access.product, before=sprint),
        "can_plan": access.can(Capability.MANAGE_SPRINTS) and sprint.status != SprintStatus.CLOSED,
        "sprint_url": sprint_crud.url("detail", access, sprint),
    }


@login_required
def sprint_plan(request, product_id: int, pk: int):
    """Sprint planning: drag items from the backlog into the sprint against its capacity."""
    access, sprint = sprint_for(request, product_id, pk)
    return render(request, "backlog/sprint_plan.html", _plan_context(access, sprint))


@login_required
@require_POST
def sprint_plan_item(request, product_id: int, pk: int):
    access, sprint = sprint_for(request, product_id, pk, Capability.MANAGE_SPRINTS)
    form = PlanForm(request.POST)
    problem = None
    if form.is_valid():
        item = get_object_or_404(BacklogItem.objects.filter(product=access.product), pk=form.cleaned_data["item"])
        target = sprint if form.cleaned_data["target"] == "sprint" else None
        try:
            sprint_services.sprint_plan_item(
                item=item,
                sprint=target,
                actor=request.user,
                before=form.cleaned_data["before"],
                after=form.cleaned_data["after"] if form.cleaned_data["before"] is None else None,
            )
        except (ValidationError, ApplicationError) as error:
            problem = error_text(error)
    else:
        problem = "That change was not understood."
    plan_url = reverse("backlog:sprint_plan", kwargs={"product_id": access.product.pk, "pk": sprint.pk})
    if wants_json(request):
        if problem:
            return JsonResponse({"detail": problem}, status=400)
        capacity = sprint_capacity(sprint=sprint)
        html = render(request, "backlog/_partials/capacity.html", {"capacity": capacity}).content.decode()
        return JsonResponse({"capacity": capacity, "capacity_html": html})
    if problem:
        messages.error(request, problem)
    return redirect(plan_url)


@login_required
@require_POST
def item_accept(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.MANAGE_SPRINTS)
    sprint_id = item.sprint_id
    try:
        sprint_services.item_accept(item=item, actor=request.user)
    except (ValidationError, ApplicationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{item.key} accepted.")
    return redirect(next_url(request, _review_url(access, sprint_id, item)))


@login_required
@require_POST
def item_reject(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.MANAGE_SPRINTS)
    sprint_id = item.sprint_id
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": form.errors["reason"]})
        sprint_services.item_reject(item=item, reason=form.cleaned_data["reason"], actor=request.user)
    except (ValidationError, ApplicationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{item.key} rejected and back in the backlog.")
    return redirect(next_url(request, _review_url(access, sprint_id, item)))


def _review_url(access, sprint_id, item) -> str:
    if sprint_id:
        return reverse("backlog:sprint_detail", kwargs={"product_id": access.product.pk, "pk": sprint_id})
    return item_crud.url("detail", access, item)

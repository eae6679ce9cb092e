from urllib.parse import parse_qs

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import ApplicationError
from core.forms import add_validation_error
from products.pages import Column, Crud, split_form_data
from products.selectors import product_access
from workspaces.models import Capability

from . import planning, selectors, services, sprint_figures
from .filters import ItemFilter
from .forms import (
    BulkForm,
    CriterionForm,
    CriterionMoveForm,
    InlineItemForm,
    ItemForm,
    PlanForm,
    RejectForm,
    SprintForm,
    StoryForm,
)
from .models import AcceptanceCriterion, BacklogItem, ItemStatus, Sprint, SprintStatus


def _criteria(item) -> str:
    return f"{item.criteria_met}/{item.criteria_count}" if item.criteria_count else "—"


class ItemCrud(Crud):
    model, form_class, namespace, name, url_segment = BacklogItem, ItemForm, "backlog", "item", "items"
    capability = Capability.EDIT_ITEMS
    delete_capability = Capability.DELETE_ITEMS
    filterset_class = ItemFilter
    list_template = "backlog/item_list.html"
    detail_template = "backlog/item_detail.html"
    paginate_by = 100
    columns = [
        Column("Key", "key", css="key"),
        Column("Title", "title", link=True),
        Column("Kind", "kind"),
        Column("Status", "status"),
        Column("Points", "story_points", css="num"),
        Column("RICE", "rice_score", css="num"),
        Column("WSJF", "wsjf_score", css="num"),
        Column("MoSCoW", "moscow"),
        Column("Sprint", "sprint"),
        Column("Criteria", _criteria, css="num"),
    ]
    empty_hint = "The backlog is empty. Add an epic, a story or a bug; the product owner orders them."

    def get_queryset(self, access):
        children = BacklogItem.objects.select_related("product").order_by("rank")
        return selectors.item_list(product=access.product).prefetch_related(Prefetch("children", queryset=children))

    def get_object(self, access, pk):
        return get_object_or_404(selectors.item_detail_queryset(product=access.product), pk=pk)

    def perform_create(self, *, access, instance, data, m2m, actor):
        data.pop("version", None)
        if data.get("status") in services.DECISION_STATUSES and not access.can(Capability.MANAGE_SPRINTS):
            raise ValidationError({"status": "Only a product owner or an admin can accept or reject work."})
        return services.item_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        version = data.pop("version", None)
        may_decide = access.can(Capability.MANAGE_SPRINTS)
        if version is None:  # a client that did not load a version (older forms, scripts)
            return services.item_update(item=obj, data=data, actor=actor, may_decide=may_decide)
        return planning.item_update_checked(item=obj, data=data, version=version, actor=actor, may_decide=may_decide)

    def _save(self, request, access, form, obj=None):
        """As Crud._save, but a save based on an older version is refused, listing the newer values.

        The form keeps the editor's values and takes the newer version, so saving again is a
        deliberate choice made with the other person's values in view, never a silent overwrite.
        """
        if obj is None:
            return super()._save(request, access, form, obj)
        data, m2m = split_form_data(form)
        try:
            return self.perform_update(access=access, obj=obj, data=data, m2m=m2m, actor=request.user)
        except planning.StaleWriteError as error:
            newer = []
            for name in form.changed_data:
                if name == "version" or name not in form.fields:
                    continue
                value = getattr(error.current, name, None)
                field = error.current._meta.get_field(name)
                if field.choices and value not in (None, ""):
                    value = getattr(error.current, f"get_{name}_display")()
                newer.append(f"{form.fields[name].label or name}: “{value if value not in (None, '') else '—'}”")
            form.add_error(
                None,
                f"{error.message} Saved meanwhile — {'; '.join(newer) or 'other fields'}. "
                "Save again to replace them with your values, or cancel to keep theirs.",
            )
            form.data = form.data.copy()
            form.data["version"] = error.current.version
        except ValidationError as error:
            add_validation_error(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        return None

    def perform_delete(self, *, access, obj, actor):
        services.item_delete(item=obj)

    def detail_extra(self, request, access, obj):
        return {"criterion_form": CriterionForm(), **story_context(access, obj)}

    def context(self, access, **extra):
        can_rank = access.can(Capability.RANK_ITEMS)
        if "rows" in extra:  # the list page: bulk actions and the columns of a row
            extra["bulk_form"] = BulkForm(product=access.product)
            ordering = parse_qs(extra.get("query", "")).get("ordering", ["rank"])[0]
            if ordering not in ("rank", ""):
                # Sorted by a score, the rows are not in rank order: dragging them would mislead.
                can_rank, extra["sorted_by"] = False, ordering.lstrip("-").replace("_", " ")
        return super().context(
            access,
            can_rank=can_rank,
            can_decide=access.can(Capability.MANAGE_SPRINTS),
            **extra,
        )


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
    ]
    empty_hint = "Plan a sprint: a goal, dates and the points the team can take on."

    def get_queryset(self, access):
        return selectors.sprint_list(product=access.product)

    def detail_extra(self, request, access, obj):
        items = selectors.item_list(product=access.product).filter(sprint=obj).order_by("rank")
        return {
            "items": items,
            "capacity": sprint_figures.sprint_capacity(sprint=obj),
            "velocity": sprint_figures.sprint_velocity(product=access.product, before=obj),
            "burndown": sprint_figures.sprint_burndown(sprint=obj),
            "can_decide": access.can(Capability.MANAGE_SPRINTS),
            "reject_form": RejectForm(),
        }


item_crud = ItemCrud()
sprint_crud = SprintCrud()


def _item_for(request, product_id: int, pk: int, capability: str):
    access = product_access(user=request.user, product_id=product_id)
    item = get_object_or_404(BacklogItem.objects.filter(product=access.product), pk=pk)
    access.require(capability)
    return access, item


class MoveForm(forms.Form):
    before = forms.IntegerField(required=False)
    after = forms.IntegerField(required=False)
    position = forms.ChoiceField(choices=[("top", "top"), ("bottom", "bottom")], required=False)


@login_required
@require_POST
def item_move(request, product_id: int, pk: int):
    access, item = _item_for(request, product_id, pk, Capability.RANK_ITEMS)
    form = MoveForm(request.POST)
    error_text = None
    if form.is_valid():
        anchors = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.item_move(item=item, actor=request.user, **anchors)
        except (ValidationError, ApplicationError) as error:
            error_text = _error_text(error)
    else:
        error_text = "That move was not understood."
    if _wants_json(request):  # the drag-and-drop and keyboard moves of the backlog page
        if error_text:
            return JsonResponse({"detail": error_text}, status=400)
        return JsonResponse({"id": item.pk, "key": item.key})
    if error_text:
        messages.error(request, error_text)
    return redirect(_next_url(request, item_crud.url("list", access)))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error_text(error) -> str:
    return " ".join(getattr(error, "messages", None) or [getattr(error, "message", str(error))])


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if ok else default


def story_context(access, item, story_form=None) -> dict:
    capacity = (
        Sprint.objects.filter(product=access.product)
        .exclude(status=SprintStatus.CLOSED)
        .order_by("-capacity_points")
        .values_list("capacity_points", flat=True)
        .first()
    )
    criteria = item.acceptance_criteria.all()
    return {
        "story_form": story_form or StoryForm(access=access, instance=item),
        "story_hints": sprint_figures.story_quality_hints(
            item=item, criteria_count=len(criteria), sprint_capacity=capacity
        ),
    }


# ---- inline edit and bulk actions of the backlog page -------------------------------------------


def _row_context(request, access, item, **extra) -> dict:
    return {
        "row": {"obj": item, "url": item_crud.url("detail", access, item)},
        "product": access.product,
        "can_edit": access.can(Capability.EDIT_ITEMS),
        "can_rank": access.can(Capability.RANK_ITEMS),
        "request": request,
        **extra,
    }


def _row_item(access, pk):
    children = BacklogItem.objects.select_related("product").order_by("rank")
    return get_object_or_404(
        selectors.item_list(product=access.product).prefetch_related(Prefetch("children", queryset=children)), pk=pk
    )


@login_required
def item_row(request, product_id: int, pk: int):
    """One backlog row (after an inline edit is cancelled)."""
    access = product_access(user=request.user, product_id=product_id)
    item = _row_item(access, pk)
    return render(request, "backlog/_partials/item_row.html", _row_context(request, access, item))


@login_required
@require_http_methods(["GET", "POST"])
def item_inline(request, product_id: int, pk: int):
    """Edit a backlog row in place. A save based on an older version is refused, showing the newer values."""
    access, item = _item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    item = _row_item(access, item.pk)
    if request.method == "GET":
        form = InlineItemForm(access=access, instance=item)
        return render(request, "backlog/_partials/item_inline.html", _row_context(request, access, item, form=form))
    form = InlineItemForm(request.POST, access=access, instance=item)
    conflict = None
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        # The form's instance already carries the posted values; the service compares against the stored row.
        try:
            planning.item_update_checked(
                item=item,
                data=data,
                version=form.cleaned_data["version"],
                actor=request.user,
                may_decide=access.can(Capability.MANAGE_SPRINTS),
            )
        except planning.StaleWriteError as error:
            conflict = _conflict(form, error.current)
            form = InlineItemForm(access=access, instance=_row_item(access, item.pk))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            saved = _row_item(access, item.pk)
            return render(
                request, "backlog/_partials/item_row.html", _row_context(request, access, saved, saved_now=True)
            )
    return render(
        request,
        "backlog/_partials/item_inline.html",
        _row_context(request, access, item, form=form, conflict=conflict),
    )


def _conflict(form, current) -> list[dict]:
    """The fields where the stored item differs from what this editor tried to save."""
    rows = []
    for name in InlineItemForm.Meta.fields:
        mine, theirs = form.cleaned_data.get(name), getattr(current, name)
        if mine != theirs:
            field = current._meta.get_field(name)
            shown = getattr(current, f"get_{name}_display")() if field.choices and theirs not in (None, "") else theirs
            rows.append({"label": field.verbose_name.capitalize(), "mine": mine, "theirs": shown})
    return rows


@login_required
@require_POST
def item_bulk(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    access.require(Capability.EDIT_ITEMS)
    form = BulkForm(request.POST, product=access.product)
    default = item_crud.url("list", access)
    if not form.is_valid():
        messages.error(
            request, "Select items and what to change. " + " ".join(e for v in form.errors.values() for e in v)
        )
        return redirect(_next_url(request, default))
    try:
        count = planning.item_bulk_update(
            product=access.product,
            item_ids=form.cleaned_data["ids"],
            data=form.changes(),
            actor=request.user,
            may_decide=access.can(Capability.MANAGE_SPRINTS),
        )
    except (ValidationError, ApplicationError) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"{count} item{'s' if count != 1 else ''} updated.")
    return redirect(_next_url(request, default))


# ---- story editor --------------------------------------------------------------------------------


@login_required
@require_POST
def item_story(request, product_id: int, pk: int):
    access, item = _item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    item = item_crud.get_object(access, item.pk)
    form = StoryForm(request.POST, access=access, instance=item)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            planning.item_update_checked(
                item=item, data=data, version=form.cleaned_data["version"], actor=request.user, may_decide=False
            )
        except planning.StaleWriteError as error:
            messages.error(request, error.message)
            return redirect(item_crud.url("detail", access, item))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Story saved.")
            return redirect(item_crud.url("detail", access, item) + "#story")
    fresh = item_crud.get_object(access, item.pk)
    return item_crud.render_detail(request, access, fresh, **story_context(access, fresh, story_form=form))


@login_required
@require_POST
def criterion_add(request, product_id: int, pk: int):
    access, item = _item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.criterion_add(item=item, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Acceptance criterion added.")
            return redirect(item_crud.url("detail", access, item))
    return item_crud.render_detail(request, access, item_crud.get_object(access, item.pk), criterion_form=form)


def _criterion_for(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    criterion = get_object_or_404(
        AcceptanceCriterion.objects.select_related("item").filter(item__product=access.product), pk=pk
    )
    access.require(Capability.EDIT_ITEMS)
    return access, criterion


@login_required
@require_POST
def criterion_toggle(request, product_id: int, pk: int):
    access, criterion = _criterion_for(request, product_id, pk)
    services.criterion_update(criterion=criterion, data={"met": not criterion.met})
    return redirect(item_crud.url("detail", access, criterion.item))


@login_required
@require_POST
def criterion_delete(request, product_id: int, pk: int):
    access, criterion = _criterion_for(request, product_id, pk)
    item = criterion.item
    services.criterion_delete(criterion=criterion)
    messages.success(request, "Acceptance criterion removed.")
    return redirect(item_crud.url("detail", access, item))


@login_required
@require_POST
def criterion_move(request, product_id: int, pk: int):
    access, criterion = _criterion_for(request, product_id, pk)
    form = CriterionMoveForm(request.POST)
    if form.is_valid():
        planning.criterion_move(criterion=criterion, direction=form.cleaned_data["direction"])
    else:
        messages.error(request, "Move a criterion up or down.")
    return redirect(item_crud.url("detail", access, criterion.item) + "#criteria")


# ---- sprint planning and review ------------------------------------------------------------------


def _sprint_for(request, product_id: int, pk: int, capability: str | None = None):
    access = product_access(user=request.user, product_id=product_id)
    sprint = get_object_or_404(Sprint.objects.filter(product=access.product), pk=pk)
    if capability:
        access.require(capability)
    return access, sprint


def _plan_context(access, sprint) -> dict:
    items = selectors.item_list(product=access.product).order_by("rank")
    return {
        "access": access,
        "perms": access.perms,
        "product": access.product,
        "workspace": access.workspace,
        "sprint": sprint,
        "sprint_items": items.filter(sprint=sprint),
        "backlog_items": items.filter(sprint__isnull=True).exclude(status__in=[ItemStatus.DONE, ItemStatus.ACCEPTED])[
            :200
        ],
        "capacity": sprint_figures.sprint_capacity(sprint=sprint),
        "velocity": sprint_figures.sprint_velocity(product=access.product, before=sprint),
        "can_plan": access.can(Capability.MANAGE_SPRINTS) and sprint.status != SprintStatus.CLOSED,
        "sprint_url": sprint_crud.url("detail", access, sprint),
    }


@login_required
def sprint_plan(request, product_id: int, pk: int):
    """Sprint planning: drag items from the backlog into the sprint against its capacity."""
    access, sprint = _sprint_for(request, product_id, pk)
    return render(request, "backlog/sprint_plan.html", _plan_context(access, sprint))


@login_required
@require_POST
def sprint_plan_item(request, product_id: int, pk: int):
    access, sprint = _sprint_for(request, product_id, pk, Capability.MANAGE_SPRINTS)
    form = PlanForm(request.POST)
    error_text = None
    if form.is_valid():
        item = get_object_or_404(BacklogItem.objects.filter(product=access.product), pk=form.cleaned_data["item"])
        target = sprint if form.cleaned_data["target"] == "sprint" else None
        try:
            planning.sprint_plan_item(
                item=item,
                sprint=target,
                actor=request.user,
                before=form.cleaned_data["before"],
                after=form.cleaned_data["after"] if form.cleaned_data["before"] is None else None,
            )
        except (ValidationError, ApplicationError) as error:
            error_text = _error_text(error)
    else:
        error_text = "That change was not understood."
    plan_url = reverse("backlog:sprint_plan", kwargs={"product_id": access.product.pk, "pk": sprint.pk})
    if _wants_json(request):
        if error_text:
            return JsonResponse({"detail": error_text}, status=400)
        capacity = sprint_figures.sprint_capacity(sprint=sprint)
        html = render(request, "backlog/_partials/capacity.html", {"capacity": capacity}).content.decode()
        return JsonResponse({"capacity": capacity, "capacity_html": html})
    if error_text:
        messages.error(request, error_text)
    return redirect(plan_url)


@login_required
@require_POST
def item_accept(request, product_id: int, pk: int):
    access, item = _item_for(request, product_id, pk, Capability.MANAGE_SPRINTS)
    sprint_id = item.sprint_id
    try:
        planning.item_accept(item=item, actor=request.user)
    except (ValidationError, ApplicationError) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"{item.key} accepted.")
    return redirect(_next_url(request, _review_url(access, sprint_id, item)))


@login_required
@require_POST
def item_reject(request, product_id: int, pk: int):
    access, item = _item_for(request, product_id, pk, Capability.MANAGE_SPRINTS)
    sprint_id = item.sprint_id
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": "Say why the work is rejected, so the team can fix it."})
        planning.item_reject(item=item, reason=form.cleaned_data["reason"], actor=request.user)
    except (ValidationError, ApplicationError) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"{item.key} rejected and back in the backlog.")
    return redirect(_next_url(request, _review_url(access, sprint_id, item)))


def _review_url(access, sprint_id, item) -> str:
    if sprint_id:
        return reverse("backlog:sprint_detail", kwargs={"product_id": access.product.pk, "pk": sprint_id})
    return item_crud.url("detail", access, item)

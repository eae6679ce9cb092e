from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from pmhub.crud import Column, Crud
from pmhub.exceptions import ApplicationError
from pmhub.forms import add_validation_error
from products.models import Capability
from products.selectors import product_access

from . import selectors, services
from .filters import ItemFilter
from .forms import CriterionForm, ItemForm, SprintForm
from .models import AcceptanceCriterion, BacklogItem, Sprint


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
        return selectors.item_list(product=access.product)

    def get_object(self, access, pk):
        return get_object_or_404(selectors.item_detail_queryset(product=access.product), pk=pk)

    def perform_create(self, *, access, instance, data, m2m, actor):
        if data.get("status") in services.DECISION_STATUSES and not access.can(Capability.MANAGE_SPRINTS):
            raise ValidationError({"status": "Only a product owner or an admin can accept or reject work."})
        return services.item_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return services.item_update(item=obj, data=data, actor=actor, may_decide=access.can(Capability.MANAGE_SPRINTS))

    def perform_delete(self, *, access, obj, actor):
        services.item_delete(item=obj)

    def detail_extra(self, request, access, obj):
        return {"criterion_form": CriterionForm()}

    def context(self, access, **extra):
        return super().context(access, can_rank=access.can(Capability.RANK_ITEMS), **extra)


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
        load = (100 * obj.planned_points // obj.capacity_points) if obj.capacity_points else None
        return {"items": items, "load_percent": load}


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
    if form.is_valid():
        anchors = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.item_move(item=item, actor=request.user, **anchors)
        except (ValidationError, ApplicationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.error(request, "That move was not understood.")
    return redirect(request.POST.get("next") or item_crud.url("list", access))


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

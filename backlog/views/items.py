"""Item pages: the backlog list, an item's detail and form, moves, the story editor and acceptance criteria."""

from urllib.parse import parse_qsl

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.forms import add_validation_error
from core.keyset_groups import keyset_page_grouped
from products.pages import Column, Crud, split_form_data
from products.selectors import product_access
from workspaces.models import Capability

from ..filters import ItemFilter
from ..forms import BulkForm, CriterionForm, CriterionMoveForm, DependencyForm, ExternalLinkForm, ItemForm, StoryForm
from ..models import AcceptanceCriterion, BacklogItem, Sprint, SprintStatus
from ..selectors import items as item_selectors
from ..selectors import view_order
from ..selectors.dependencies import item_dependency_rows
from ..selectors.sprints import story_quality_hints
from ..selectors.view_groups import view_groups
from ..services import criteria as criterion_services
from ..services import items as item_services
from . import listing


def _criteria(item) -> str:
    return f"{item.criteria_met}/{item.criteria_count}" if item.criteria_count else "—"


LIST_DEFERRED = ("description", "as_a", "i_want", "so_that")


class ItemCrud(Crud):
    model, form_class, namespace, name, url_segment = BacklogItem, ItemForm, "backlog", "item", "items"
    capability = Capability.EDIT_ITEMS
    delete_capability = Capability.DELETE_ITEMS
    filterset_class = ItemFilter
    list_template = "backlog/item_list.html"
    detail_template = "backlog/item_detail.html"
    paginate_by = 100
    keyset_orderings = (
        "rank", "-rice_score", "-wsjf_score", "rice_score", "wsjf_score", "-created_at", "created_at", "-updated_at",
        "updated_at", "-customer_impact",
    )  # fmt: skip
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
        # A page of rows shows none of the long texts: left unread, a page of 100 costs a third.
        return item_selectors.item_rows(product=access.product, deferred=LIST_DEFERRED)

    def decorate(self, access, objects):
        item_selectors.items_with_product(objects, access.product)
        item_selectors.items_decorate(items=objects, children=True)

    def list_rows(self, access, objects):
        """The table's rows (its template draws the cells itself, so none are computed here)."""
        return list(map(listing.row_builder(access.product.pk), objects))

    def keyset_params(self, request, qs):
        """?goto=PAY-42 (or 42) jumps to the page that starts at that item, within the filters."""
        params = request.GET
        goto = params.get("goto", "").strip()
        if goto:
            number = goto.rsplit("-", 1)[-1]
            pk = (
                qs.filter(number=int(number)).values_list("pk", flat=True).first()
                if number.isdigit() and len(number) < 10
                else None
            )
            params = params.copy()
            params["from"] = str(pk) if pk else ""
            request.goto_missing = pk is None  # shown next to the jump box
        return params

    def keyset(self, request, qs, filterset):
        """A grouped view, or one sorted by a custom field, pages in the order of its keys: the group
        first (so a group's rows follow each other across pages), then the sort, then the id."""
        definitions = getattr(filterset, "custom_definitions", [])
        group_by = request.GET.get("group", "")
        ordering = request.GET.get("ordering") or "rank"
        sort = view_order.sort_keys(ordering, definitions) if ordering in self.view_orderings(definitions) else None
        group = view_order.group_keys(group_by, definitions)
        if not group and ordering in self.keyset_orderings:
            return super().keyset(request, qs, filterset)
        if sort is None:  # an ordering the view does not know: the manual order
            ordering, sort = "rank", view_order.sort_keys("rank")
        groups = view_groups(group_by, request.backlog_access.product.pk) if group else None
        return keyset_page_grouped(  # group by group: index scans as long as the page (core/keyset_groups.py)
            qs, groups=groups, group_keys=group, sort=sort, ordering=ordering, size=self.paginate_by,
            params=self.keyset_params(request, qs),
        )  # fmt: skip

    def view_orderings(self, definitions) -> tuple[str, ...]:
        custom = [f"cf_{d.key}" for d in view_order.sortable_custom_fields(definitions)]
        return (*self.keyset_orderings, *custom, *(f"-{name}" for name in custom))

    def get_object(self, access, pk):
        return get_object_or_404(item_selectors.item_detail_queryset(product=access.product), pk=pk)

    def perform_create(self, *, access, instance, data, m2m, actor):
        return item_services.item_create(instance=instance, actor=actor, labels=m2m.get("labels"))

    def perform_update(self, *, access, obj, data, m2m, actor):
        version = data.pop("version", None)
        if "labels" in m2m:  # names from the form's labels field (services/labels.py)
            data = {**data, "labels": m2m["labels"]}
        if version is None:  # a client that sent no version (a script) saves without the check
            return item_services.item_update(item=obj, data=data, actor=actor)
        return item_services.item_update_checked(item=obj, data=data, version=version, actor=actor)

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
        except item_services.StaleWriteError as error:
            newer = []
            for name in form.changed_data:
                if name in ("version", "labels") or name not in form.fields:
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
        item_services.item_delete(item=obj, actor=actor)

    def detail_extra(self, request, access, obj):
        return {
            "criterion_form": CriterionForm(),
            "link_form": ExternalLinkForm(),
            "dependencies": item_dependency_rows(item=obj),
            "dependency_form": DependencyForm(),
            "children_shown": item_selectors.CHILDREN_SHOWN,
            **story_context(access, obj),
        }

    def list_view(self, request, **kwargs):
        """The list as a view: a plain visit opens the product's last view; empty parameters leave
        the URL (a redirect, or the address htmx shows); filters apply without a reload (htmx)."""
        access = self.get_access(request, kwargs)
        request.backlog_access = access  # one lookup per request: the page's own get_access reuses it
        target = listing.redirect_for(request, access.product)
        if target is not None:
            return redirect(target)
        response = super().list_view(request, **kwargs)
        listing.remember(request, access.product)
        if request.htmx:
            query = listing.clean_query(request.GET)
            response["HX-Push-Url"] = f"{request.path}?{query}" if query else request.path
        return response

    def get_access(self, request, kwargs):
        return getattr(request, "backlog_access", None) or super().get_access(request, kwargs)

    def context(self, access, **extra):
        can_rank = access.can(Capability.RANK_ITEMS)
        if "filterset" in extra:  # the list page: bulk actions, the view (chips, columns, groups, saved views)
            request = extra.pop("request")
            extra["bulk_form"] = BulkForm(product=access.product)
            extra.update(listing.view_context(request, access, extra.get("filterset")))
            extra["row_groups"] = listing.grouped(
                extra["rows"], extra["group_by"], page=extra["page"], definitions=extra["custom_definitions"]
            )
            extra["query"] = extra["view_query"]
            extra["goto_keep"] = [(k, v) for k, v in parse_qsl(extra.get("query", "")) if k != "goto"]
            ordering = extra["ordering"]
            if ordering not in ("rank", ""):
                # Sorted by a score, the rows are not in rank order: dragging them would mislead.
                can_rank, extra["sorted_by"] = False, extra["ordering_label"]
        return super().context(access, can_rank=can_rank, **extra)


item_crud = ItemCrud()


def item_for(request, product_id: int, pk: int, capability: str):
    """The access and the item of a product-scoped page: 404 outside the user's workspaces, 403 without `capability`."""
    access = product_access(user=request.user, product_id=product_id)
    item = get_object_or_404(BacklogItem.objects.filter(product=access.product), pk=pk)
    access.require(capability)
    return access, item


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def error_text(error) -> str:
    return " ".join(getattr(error, "messages", None) or [getattr(error, "message", str(error))])


def next_url(request, default: str) -> str:
    url = request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if ok else default


@login_required
def item_parent_choices(request, product_id: int):
    """The parent picker's matches as JSON (search-as-you-type: static/js/search-select.js)."""
    access = product_access(user=request.user, product_id=product_id)
    exclude = request.GET.get("exclude", "")
    results = item_selectors.item_parent_search(
        product=access.product,
        query=request.GET.get("q", ""),
        exclude=int(exclude) if exclude.isdigit() and len(exclude) < 19 else None,
    )
    return JsonResponse({"results": results})


class MoveForm(forms.Form):
    before = forms.IntegerField(required=False)
    after = forms.IntegerField(required=False)
    position = forms.ChoiceField(choices=[("top", "top"), ("bottom", "bottom")], required=False)


@login_required
@require_POST
def item_move(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.RANK_ITEMS)
    form = MoveForm(request.POST)
    problem = None
    if form.is_valid():
        anchors = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            item_services.item_move(item=item, actor=request.user, **anchors)
        except (ValidationError, ApplicationError) as error:
            problem = error_text(error)
    else:
        problem = "That move was not understood."
    if wants_json(request):  # the drag-and-drop and keyboard moves of the backlog page
        if problem:
            return JsonResponse({"detail": problem}, status=400)
        return JsonResponse({"id": item.pk, "key": item.key})
    if problem:
        messages.error(request, problem)
    return redirect(next_url(request, item_crud.url("list", access)))


# ---- story editor --------------------------------------------------------------------------------


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
        "story_hints": story_quality_hints(item=item, criteria_count=len(criteria), sprint_capacity=capacity),
    }


@login_required
@require_POST
def item_reach_from_impact(request, product_id: int, pk: int):
    """RICE reach from the customer evidence: the item's customer impact score, rounded (discovery keeps it)."""
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    try:
        item_services.item_update(
            item=item, data={"reach": int(item.customer_impact.to_integral_value())}, actor=request.user
        )
    except (ValidationError, ApplicationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, f"Reach set to {int(item.customer_impact.to_integral_value())} from the customer evidence."
        )
    return redirect("backlog:item_detail", product_id=product_id, pk=pk)


@login_required
@require_POST
def item_story(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    item = item_crud.get_object(access, item.pk)
    form = StoryForm(request.POST, access=access, instance=item)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            item_services.item_update_checked(
                item=item, data=data, version=form.cleaned_data["version"], actor=request.user
            )
        except item_services.StaleWriteError as error:
            messages.error(request, error.message)
            return redirect(item_crud.url("detail", access, item))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Story saved.")
            return redirect(item_crud.url("detail", access, item) + "#story")
    fresh = item_crud.get_object(access, item.pk)
    return item_crud.render_detail(request, access, fresh, **story_context(access, fresh, story_form=form))


# ---- acceptance criteria -------------------------------------------------------------------------


@login_required
@require_POST
def criterion_add(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            criterion_services.criterion_add(item=item, text=form.cleaned_data["text"], actor=request.user)
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
    criterion_services.criterion_update(criterion=criterion, data={"met": not criterion.met})
    return redirect(item_crud.url("detail", access, criterion.item))


@login_required
@require_POST
def criterion_delete(request, product_id: int, pk: int):
    access, criterion = _criterion_for(request, product_id, pk)
    item = criterion.item
    criterion_services.criterion_delete(criterion=criterion)
    messages.success(request, "Acceptance criterion removed.")
    return redirect(item_crud.url("detail", access, item))


@login_required
@require_POST
def criterion_move(request, product_id: int, pk: int):
    access, criterion = _criterion_for(request, product_id, pk)
    form = CriterionMoveForm(request.POST)
    if form.is_valid():
        criterion_services.criterion_move(criterion=criterion, direction=form.cleaned_data["direction"])
    else:
        messages.error(request, "Move a criterion up or down.")
    return redirect(item_crud.url("detail", access, criterion.item) + "#criteria")

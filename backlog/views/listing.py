"""The backlog list as a view: filters as chips (the URL carries only what is set), columns, grouping,
the product's last view remembered in the session, and saved views (personal or shared)."""

import json
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.forms import add_validation_error
from core.links import pk_url
from customfields.models import FieldTarget, FieldType
from customfields.selectors import field_definitions_for
from products.selectors import product_access
from workspaces.models import Capability
from workspaces.selectors import users_of_workspace

from ..forms import ItemForm, SavedViewForm
from ..models import DEFAULT_COLUMNS, VIEW_COLUMNS, VIEW_FILTERS, BacklogItem, GroupBy, ViewOrdering
from ..selectors import view_order
from ..selectors.saved_views import saved_views_for_product
from ..services import saved_views as view_services

VIEW_PARAMS = (*VIEW_FILTERS, "columns", "group", "ordering")
SESSION_KEY = "backlog_view:{}"


# A backlog row's links: its page, and the row's move, property popover and edit-in-place endpoints.
ROW_LINKS = {"url": "item_detail", "move_url": "item_move", "props_url": "item_props", "inline_url": "item_inline"}


def row_builder(product_id: int):
    """A function item -> the row the table's template shows (`_partials/item_row.html`): the item
    and its links, each pattern reversed once per page (core.links), not once per row."""
    makers = [(name, pk_url(f"backlog:{view}", {"product_id": product_id})) for name, view in ROW_LINKS.items()]
    return lambda item: {"obj": item, **{name: make(item.pk) for name, make in makers}}


CUSTOM_PARAM = re.compile(r"^cf_[a-z][a-z0-9_]{0,39}$")


def is_filter(name: str) -> bool:
    return name in VIEW_FILTERS or bool(CUSTOM_PARAM.match(name))


def clean_params(query: QueryDict) -> dict[str, str]:
    """The view's parameters that are set, in a fixed order (page aside): what the URL should carry."""
    names = [*VIEW_PARAMS, *sorted(k for k in query if CUSTOM_PARAM.match(k))]
    return {name: query.get(name, "").strip()[:200] for name in names if query.get(name, "").strip()}


PAGING_PARAMS = ("after", "before", "from", "goto")  # keyset pages and the jump to an item (core/keyset.py)


def clean_query(query: QueryDict) -> str:
    params = clean_params(query)
    for name in PAGING_PARAMS:
        if query.get(name, "").strip():
            params[name] = query[name].strip()
    if query.get("page", "").strip() not in ("", "1"):
        params["page"] = query["page"].strip()
    return urlencode(params)


def custom_columns(product, definitions=None) -> dict[str, str]:
    """The product's item custom fields as backlog columns: {"cf_<key>": name}."""
    if definitions is None:
        definitions = field_definitions_for(product=product, target=FieldTarget.ITEM)
    return {f"cf_{d.key}": d.name for d in definitions}


def columns_from(query: QueryDict, custom: dict[str, str] | None = None) -> list[str]:
    known = {**VIEW_COLUMNS, **(custom or {})}
    asked = [c for c in query.get("columns", "").split(",") if c in known]
    return list(dict.fromkeys(asked)) or list(DEFAULT_COLUMNS)


def redirect_for(request, product) -> str | None:
    """Where a plain visit of the backlog should go instead: the product's last view (remembered in
    the session), or the same view without its empty parameters. None: render this request."""
    key = SESSION_KEY.format(product.pk)
    if request.GET.get("clear"):
        request.session.pop(key, None)
        return request.path
    if not request.GET:
        remembered = request.session.get(key)
        return f"{request.path}?{remembered}" if remembered else None
    if request.htmx:
        return None
    wanted = clean_query(request.GET)
    return f"{request.path}?{wanted}" if wanted != request.GET.urlencode() else None


def remember(request, product) -> None:
    key = SESSION_KEY.format(product.pk)
    query = urlencode(clean_params(request.GET))
    if request.session.get(key, "") != query:
        request.session[key] = query


def chips(filterset, query: QueryDict, path: str) -> list[dict]:
    """One chip per set filter: its label, the chosen value as people read it, and the view without it."""
    found = []
    params = clean_params(query)
    for name in params:
        if not is_filter(name) or name not in filterset.form.fields:
            continue
        field = filterset.form.fields[name]
        value = params[name]
        shown = value
        for choice_value, label in getattr(field, "choices", []):
            if str(getattr(choice_value, "value", choice_value)) == value:
                shown = label
                break
        rest = {k: v for k, v in params.items() if k != name}
        found.append({"name": name, "label": field.label or name, "value": shown, "url": f"{path}?{urlencode(rest)}"})
    return found


# The custom fields a row popover edits, and how (the others are edited in the item's form).
POPOVER_TYPES = {FieldType.NUMBER: "number", FieldType.SINGLE_SELECT: "choice", FieldType.USER: "choice"}


def property_choices(access, definitions=()) -> dict[str, list | dict]:
    """The choices of the row popovers, from the item form itself (so the same scope and values), and
    under "_custom" the custom fields a popover edits ({"cf_<key>": {"label", "kind"}})."""
    if not access.can(Capability.EDIT_ITEMS):
        return {}
    form = ItemForm(access=access, instance=BacklogItem(product=access.product), custom=False)
    found: dict[str, list | dict] = {}
    for name in ("status", "moscow", "impact", "sprint", "owner"):
        found[name] = [[str(getattr(v, "value", v)), str(label)] for v, label in form.fields[name].choices]
    custom, users = {}, None
    for definition in definitions:
        kind = POPOVER_TYPES.get(definition.field_type)
        if kind is None:
            continue
        name = f"cf_{definition.key}"
        custom[name] = {"label": definition.name, "kind": kind, **({"step": "any"} if kind == "number" else {})}
        if definition.field_type == FieldType.SINGLE_SELECT:
            found[name] = [["", "—"], *([option, option] for option in definition.options)]
        elif definition.field_type == FieldType.USER:
            users = users if users is not None else users_of_workspace(workspace_id=access.workspace.pk)
            found[name] = [["", "—"], *([str(user.pk), user.get_username()] for user in users)]
    if custom:
        found["_custom"] = custom
    return found


def view_context(request, access, filterset) -> dict:
    params = clean_params(request.GET)
    ordering = params.get("ordering", "rank")
    query = urlencode(params)
    views = list(saved_views_for_product(user=request.user, product=access.product))
    current = next((v for v in views if v.query == query), None)
    definitions = getattr(filterset, "custom_definitions", None)
    if definitions is None:
        definitions = list(field_definitions_for(product=access.product, target=FieldTarget.ITEM))
    custom = custom_columns(access.product, definitions)
    cols = columns_from(request.GET, custom)
    group_choices = [
        *GroupBy.choices,
        *((f"cf_{d.key}", d.name) for d in view_order.groupable_custom_fields(definitions)),
    ]
    ordering_choices = [*ViewOrdering.choices]
    for d in view_order.sortable_custom_fields(definitions):
        ordering_choices += [(f"cf_{d.key}", f"{d.name}, first to last"), (f"-cf_{d.key}", f"{d.name}, last to first")]
    return {
        "custom_definitions": definitions,
        "ordering_label": next(
            (str(label).lower() for value, label in ordering_choices if value == ordering),
            ordering.lstrip("-").replace("_", " "),
        ),
        "chips": chips(filterset, request.GET, request.path) if filterset is not None else [],
        "cols": cols,
        "cols_param": ",".join(cols) if "columns" in params else "",
        "all_columns": [*VIEW_COLUMNS.items(), *custom.items()],
        "group_by": params.get("group", "") if params.get("group") in dict(group_choices) else "",
        "group_choices": group_choices,
        "ordering_choices": ordering_choices,
        "ordering": ordering,
        "view_query": query,
        "filtered": any(is_filter(name) for name in params) or "group" in params,
        "saved_views": views,
        "current_view": current,
        "prop_choices": json.dumps(property_choices(access, definitions)),
        "view_form": SavedViewForm(can_share=access.can(Capability.EDIT_ITEMS)),
    }


# The value of a row (backlog.selectors.items.item_rows) that names its group, by the group's field.
GROUP_NAMES = {
    GroupBy.SPRINT: "sprint_name",
    GroupBy.INITIATIVE: "initiative_title",
    GroupBy.ASSIGNEE: "owner_username",
}


def group_label(item, group_by: str, definitions=()) -> str:
    definition = view_order.custom_definition(group_by, definitions)
    if definition is not None:
        if definition.field_type == FieldType.USER:  # the person's name, the page's first sort key
            return getattr(item, "keyset_0", None) or f"No {definition.name.lower()}"
        return str((item.custom_fields or {}).get(definition.key) or f"No {definition.name.lower()}")
    if group_by in (GroupBy.STATUS, GroupBy.MOSCOW):
        return getattr(item, f"get_{group_by}_display")() or "No MoSCoW"
    name = getattr(item, GROUP_NAMES[group_by]) if getattr(item, f"{group_by}_id") else None  # see item_rows
    return name if name is not None else ("Unassigned" if group_by == GroupBy.ASSIGNEE else f"No {group_by}")


def group_identity(item, group_by: str) -> object:
    """What makes two rows one group (two sprints of one name are two groups)."""
    if group_by.startswith(view_order.CUSTOM_PREFIX):
        return (item.custom_fields or {}).get(group_by[len(view_order.CUSTOM_PREFIX) :])
    if group_by in (GroupBy.STATUS, GroupBy.MOSCOW):
        return getattr(item, group_by)
    return getattr(item, f"{group_by}_id")


def grouped(rows: list[dict], group_by: str, *, page=None, definitions=()) -> list[dict]:
    """The page's rows under their group's label. A grouped page is ordered by its group first
    (ItemCrud.keyset), so a group's rows follow each other across pages: a group that began on the
    previous page is marked `continued`, one that goes on on the next page `continues`."""
    groups: list[dict] = []
    for row in rows:
        identity = group_identity(row["obj"], group_by) if group_by else None
        if not groups or groups[-1]["identity"] != identity:
            label = group_label(row["obj"], group_by, definitions) if group_by else ""
            groups.append({"label": label, "identity": identity, "rows": [], "continued": False, "continues": False})
        groups[-1]["rows"].append(row)
    if group_by and groups and page is not None:
        before, after = getattr(page, "previous_row", None), getattr(page, "next_row", None)
        groups[0]["continued"] = before is not None and group_identity(before, group_by) == groups[0]["identity"]
        groups[-1]["continues"] = after is not None and group_identity(after, group_by) == groups[-1]["identity"]
    return groups


# ---- saving views ----------------------------------------------------------------------------------


@login_required
@require_POST
def saved_view_save(request, product_id: int):
    """Save the view on screen (its query) under a name, personal or shared."""
    access = product_access(user=request.user, product_id=product_id)
    form = SavedViewForm(request.POST, can_share=access.can(Capability.EDIT_ITEMS))
    back = redirect("backlog:item_list", product_id=access.product.pk)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    query = QueryDict(form.cleaned_data["query"])
    params = clean_params(query)
    data = {
        "name": form.cleaned_data["name"],
        "shared": form.cleaned_data["shared"],
        "filters": {k: v for k, v in params.items() if is_filter(k)},
        "columns": [c for c in params.get("columns", "").split(",") if c],
        "group_by": params.get("group", ""),
        "ordering": params.get("ordering", ""),
    }
    try:
        view = view_services.saved_view_create(access=access, product=access.product, actor=request.user, data=data)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return back
    except ValidationError as error:
        add_validation_error(form, error)
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    messages.success(request, f"View “{view.name}” saved{' and shared' if view.shared else ''}.")
    return redirect(f"{back.url}?{view.query}" if view.query else f"{back.url}?clear=1")


@login_required
@require_POST
def saved_view_delete(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    view = get_object_or_404(saved_views_for_product(user=request.user, product=access.product), pk=pk)
    view_services.saved_view_delete(view=view, access=access, actor=request.user)
    messages.success(request, f"View “{view.name}” deleted.")
    return redirect("backlog:item_list", product_id=access.product.pk)

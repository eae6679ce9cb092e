"""Grooming on the backlog page: a row edited in place (htmx) and bulk changes of the selected rows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import ApplicationError
from core.forms import add_validation_error
from products.selectors import product_access
from workspaces.models import Capability

from ..forms import BulkForm, InlineItemForm
from ..selectors.items import item_rows, items_decorate, items_with_product
from ..services import items as item_services
from . import listing
from .items import error_text, item_crud, item_for, next_url


def row_context(request, access, item, **extra) -> dict:
    return {
        "row": listing.row_builder(access.product.pk)(item),
        "product": access.product,
        "can_edit": access.can(Capability.EDIT_ITEMS),
        "can_rank": access.can(Capability.RANK_ITEMS),
        "request": request,
        "cols": listing.columns_from(request.GET, listing.custom_columns(access.product)),
        "cols_param": request.GET.get("columns", "")[:200],
        **extra,
    }


def row_item(access, pk):
    item = get_object_or_404(item_rows(product=access.product), pk=pk)  # as the list reads its rows
    return items_decorate(items=items_with_product([item], access.product), children=True)[0]


@login_required
def item_row(request, product_id: int, pk: int):
    """One backlog row (after an inline edit is cancelled)."""
    access = product_access(user=request.user, product_id=product_id)
    item = row_item(access, pk)
    return render(request, "backlog/_partials/item_row.html", row_context(request, access, item))


@login_required
@require_http_methods(["GET", "POST"])
def item_inline(request, product_id: int, pk: int):
    """Edit a backlog row in place. A save based on an older version is refused, showing the newer values."""
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    item = row_item(access, item.pk)
    if request.method == "GET":
        form = InlineItemForm(access=access, instance=item)
        return render(request, "backlog/_partials/item_inline.html", row_context(request, access, item, form=form))
    form = InlineItemForm(request.POST, access=access, instance=item)
    conflict = None
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        # The form's instance already carries the posted values; the service compares against the stored row.
        try:
            item_services.item_update_checked(
                item=item, data=data, version=form.cleaned_data["version"], actor=request.user
            )
        except item_services.StaleWriteError as error:
            conflict = _conflict(form, error.current)
            form = InlineItemForm(access=access, instance=row_item(access, item.pk))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            saved = row_item(access, item.pk)
            return render(
                request, "backlog/_partials/item_row.html", row_context(request, access, saved, saved_now=True)
            )
    return render(
        request,
        "backlog/_partials/item_inline.html",
        row_context(request, access, item, form=form, conflict=conflict),
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
        return redirect(next_url(request, default))
    try:
        count = item_services.item_bulk_update(
            product=access.product, item_ids=form.cleaned_data["ids"], data=form.changes(), actor=request.user
        )
    except (ValidationError, ApplicationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{count} item{'s' if count != 1 else ''} updated.")
    return redirect(next_url(request, default))

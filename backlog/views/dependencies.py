"""Item dependency pages: add what an item waits for (by number in its product), remove one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from workspaces.models import Capability

from ..forms import DependencyForm
from ..models import BacklogItem, ItemDependency
from ..services.dependencies import item_dependency_add, item_dependency_remove
from .items import error_text, item_crud, item_for


@login_required
@require_POST
def dependency_add(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    form = DependencyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the number of the item it waits for, like 42 for PAY-42.")
        return redirect(item_crud.url("detail", access, item))
    other = BacklogItem.objects.filter(product=access.product, number=form.cleaned_data["depends_on"]).first()
    if other is None:
        messages.error(request, f"No item {access.product.key}-{form.cleaned_data['depends_on']} in this product.")
        return redirect(item_crud.url("detail", access, item))
    try:
        item_dependency_add(item=item, depends_on=other, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{item.key} now waits for {other.key}.")
    return redirect(item_crud.url("detail", access, item))


@login_required
@require_POST
def dependency_remove(request, product_id: int, pk: int, dependency_id: int):
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    dependency = get_object_or_404(
        ItemDependency.objects.filter(item__product__workspace=access.workspace).select_related("item__product"),
        pk=dependency_id,
    )
    if item.pk not in (dependency.item_id, dependency.depends_on_id):
        return redirect(item_crud.url("detail", access, item))
    item_dependency_remove(dependency=dependency, actor=request.user)
    messages.success(request, "Dependency removed.")
    return redirect(item_crud.url("detail", access, item))

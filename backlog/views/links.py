"""An item's links to issues elsewhere: added and removed from the item's page by item editors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.forms import add_validation_error
from products.selectors import product_access
from workspaces.models import Capability

from ..forms import ExternalLinkForm
from ..models import ExternalLink
from ..services.links import external_link_delete, external_link_save
from .items import item_crud, item_for


@login_required
@require_POST
def link_add(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    form = ExternalLinkForm(request.POST)
    if form.is_valid():
        try:
            external_link_save(
                item=item, url=form.cleaned_data["url"], key=form.cleaned_data["key"], actor=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Link added.")
            return redirect(item_crud.url("detail", access, item))
    return item_crud.render_detail(request, access, item_crud.get_object(access, item.pk), link_form=form)


@login_required
@require_POST
def link_delete(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    link = get_object_or_404(
        ExternalLink.objects.select_related("item__product").filter(item__product=access.product), pk=pk
    )
    access.require(Capability.EDIT_ITEMS)
    external_link_delete(link=link)
    messages.success(request, "Link removed.")
    return redirect(item_crud.url("detail", access, link.item))

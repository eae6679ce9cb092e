"""One property of a backlog row changed from its popover (status, points, sprint, assignee, MoSCoW,
RICE inputs, the title): validated by the item form's own field, saved through the item service
with the version the page loaded, answered with the fresh row."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from workspaces.models import Capability

from ..forms import ItemForm
from ..services import items as item_services
from .grooming import row_context, row_item
from .items import error_text, item_for

# The properties a row edits one at a time.
PROPERTIES = ("title", "status", "story_points", "sprint", "owner", "moscow", "reach", "impact", "confidence", "effort")


class PropertyForm(forms.Form):
    field = forms.ChoiceField(choices=[(p, p) for p in PROPERTIES])
    value = forms.CharField(required=False, max_length=250, strip=True)
    version = forms.IntegerField(min_value=1, required=False)


@login_required
@require_POST
def item_props(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    form = PropertyForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": "Choose a property and a value."}, status=400)
    name, raw = form.cleaned_data["field"], form.cleaned_data["value"]
    item = row_item(access, item.pk)
    field = ItemForm(access=access, instance=item, custom=False).fields[name]  # scoped choices: this workspace only
    try:
        value = field.clean(raw)
        data = {name: value}
        version = form.cleaned_data["version"]
        if version is None:
            item_services.item_update(item=item, data=data, actor=request.user)
        else:
            item_services.item_update_checked(item=item, data=data, version=version, actor=request.user)
    except item_services.StaleWriteError as error:
        return JsonResponse({"detail": f"{error.message} Reload to see the newer values."}, status=409)
    except (ValidationError, ApplicationError) as error:
        return JsonResponse({"detail": error_text(error)}, status=400)
    saved = row_item(access, item.pk)
    return render(request, "backlog/_partials/item_row.html", row_context(request, access, saved, saved_now=True))

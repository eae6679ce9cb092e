"""One property of a backlog row changed from its popover (status, points, sprint, assignee, MoSCoW,
RICE inputs, the title, a number, single-select or person custom field): validated by the item form's
own field, saved through the item service with the version the page loaded, answered with the fresh row."""

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from customfields.models import FieldType
from workspaces.models import Capability

from ..forms import ItemForm
from ..services import items as item_services
from .grooming import row_context, row_item
from .items import error_text, item_for
from .listing import POPOVER_TYPES

# The properties a row edits one at a time.
PROPERTIES = ("title", "status", "story_points", "sprint", "owner", "moscow", "reach", "impact", "confidence", "effort")


CUSTOM_PROPERTY = re.compile(r"cf_[a-z0-9_]{1,60}")


class PropertyForm(forms.Form):
    field = forms.CharField(max_length=70)
    value = forms.CharField(required=False, max_length=250, strip=True)
    version = forms.IntegerField(min_value=1, required=False)

    def clean_field(self) -> str:
        name = self.cleaned_data["field"]
        if name not in PROPERTIES and not CUSTOM_PROPERTY.fullmatch(name):
            raise ValidationError("No such property.")
        return name


def _changes(access, item, name: str, raw: str) -> dict:
    """The item service's data for one property (ValidationError for a bad value or a field no popover edits)."""
    if name in PROPERTIES:
        field = ItemForm(access=access, instance=item, custom=False).fields[name]  # scoped choices: this workspace
        return {name: field.clean(raw)}
    form = ItemForm(access=access, instance=item)
    definition = next(
        (d for d in form.custom_definitions if f"cf_{d.key}" == name and d.field_type in POPOVER_TYPES), None
    )
    if definition is None:
        raise ValidationError("No such property.")
    value = form.fields[name].clean(raw)
    values = dict(item.custom_fields or {})
    if value in (None, ""):
        values.pop(definition.key, None)
    else:  # stored as the item form stores it
        values[definition.key] = str(value) if definition.field_type == FieldType.NUMBER else value
    return {"custom_fields": values}


@login_required
@require_POST
def item_props(request, product_id: int, pk: int):
    access, item = item_for(request, product_id, pk, Capability.EDIT_ITEMS)
    form = PropertyForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": "Choose a property and a value."}, status=400)
    name, raw = form.cleaned_data["field"], form.cleaned_data["value"]
    item = row_item(access, item.pk)
    try:
        data = _changes(access, item, name, raw)
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

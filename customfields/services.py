"""Writes of custom field definitions (admins only: the page and the API check the capability)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import instance_create, instance_update

from .models import FIELDS_PER_WORKSPACE_MAX, FieldDefinition

# Once values are stored under a key and in a type, changing either would orphan or break them.
FIXED_AFTER_CREATION = ("key", "field_type", "target")


@transaction.atomic
def field_definition_create(*, instance: FieldDefinition, actor) -> FieldDefinition:
    if FieldDefinition.objects.filter(workspace_id=instance.workspace_id).count() >= FIELDS_PER_WORKSPACE_MAX:
        raise ValidationError(f"At most {FIELDS_PER_WORKSPACE_MAX} custom fields per workspace.")
    if FieldDefinition.objects.filter(
        workspace_id=instance.workspace_id, target=instance.target, key=instance.key
    ).exists():
        raise ValidationError({"key": "Another custom field already uses this key."})
    return instance_create(instance=instance, actor=actor)


@transaction.atomic
def field_definition_update(*, definition: FieldDefinition, data: dict) -> FieldDefinition:
    fixed = [name for name in FIXED_AFTER_CREATION if name in data and data[name] != getattr(definition, name)]
    if fixed:
        raise ValidationError({name: "Fixed once the field exists (values are stored under it)." for name in fixed})
    return instance_update(instance=definition, data=data)[0]

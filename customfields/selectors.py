"""Reads of custom field definitions: those that apply to one product's items or initiatives."""

from django.db.models import Q, QuerySet

from .models import FieldDefinition


def field_definitions_for(*, product, target: str) -> QuerySet[FieldDefinition]:
    """The workspace-wide definitions and the product's own, for `target` (item or initiative)."""
    return FieldDefinition.objects.filter(workspace_id=product.workspace_id, target=target).filter(
        Q(product__isnull=True) | Q(product_id=product.pk)
    )


def field_definition_list(*, workspace) -> QuerySet[FieldDefinition]:
    return FieldDefinition.objects.filter(workspace=workspace).select_related("product")


def field_keys_for_workspaces(*, workspace_ids, target: str) -> list[str]:
    """The keys of the custom fields of some workspaces (for export columns), sorted."""
    return sorted(
        set(FieldDefinition.objects.filter(workspace__in=workspace_ids, target=target).values_list("key", flat=True))
    )


def export_value(value) -> str | int | float:
    """A stored custom value as one CSV cell (a multi-select's choices joined by "; ")."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value

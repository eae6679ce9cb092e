"""The workspace's custom fields: a list, and forms for admins."""

from django.shortcuts import get_object_or_404

from products.pages import Column, Crud
from workspaces.models import Capability

from . import services
from .forms import FieldDefinitionForm
from .models import FieldDefinition
from .selectors import field_definition_list


def _applies(definition) -> str:
    return definition.product.name if definition.product_id else "Every product"


def _options(definition) -> str:
    return ", ".join(definition.options) if definition.options else "—"


class FieldDefinitionCrud(Crud):
    model, form_class, namespace, name, url_segment = (
        FieldDefinition,
        FieldDefinitionForm,
        "customfields",
        "field",
        "custom-fields",
    )
    scope = "workspace"
    capability = Capability.MANAGE_WORKSPACE
    columns = [
        Column("Name", "name", link=True),
        Column("Key", "key", css="key"),
        Column("Applies to", "target"),
        Column("Type", "field_type"),
        Column("Product", _applies),
        Column("Choices", _options),
    ]
    detail_fields = ["name", "key", "target", "field_type", "product", "options", "help_text", "order"]
    empty_hint = (
        "Custom fields add what your team tracks to items and initiatives: a customer tier, a due date, a link "
        "to the design. They show in forms, the backlog's columns and filters, the API and CSV exports."
    )

    def get_queryset(self, access):
        return field_definition_list(workspace=access.workspace)

    def get_object(self, access, pk):
        return get_object_or_404(self.get_queryset(access), pk=pk)

    def perform_create(self, *, access, instance, data, m2m, actor):
        return services.field_definition_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return services.field_definition_update(definition=obj, data=data)


field_crud = FieldDefinitionCrud()

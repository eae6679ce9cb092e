"""Writes of products, visions, business cases and personas."""

from django.db import transaction

from core.services import instance_create, instance_update
from workspaces.models import Workspace

from .models import Product, Vision


@transaction.atomic
def product_create(*, workspace: Workspace, actor, **fields) -> Product:
    return instance_create(instance=Product(workspace=workspace, **fields), actor=actor)


@transaction.atomic
def vision_save(*, product: Product, actor, data: dict) -> Vision:
    """Create the product's vision or update the one it has (a product has one vision)."""
    vision = Vision.objects.select_for_update().filter(product=product).first()
    if vision is None:
        return instance_create(instance=Vision(product=product, **data), actor=actor)
    return instance_update(instance=vision, data=data)[0]

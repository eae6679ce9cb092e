"""Writes of products, visions, business cases and personas."""

from django.db import transaction

from core.exceptions import ApplicationError
from core.services import instance_create, instance_update
from workspaces.models import Workspace

from .models import Product, Vision


@transaction.atomic
def product_create(*, workspace: Workspace, actor, **fields) -> Product:
    return instance_create(instance=Product(workspace=workspace, **fields), actor=actor)


@transaction.atomic
def vision_create(*, product: Product, actor, data: dict) -> Vision:
    """Give a product its vision; a product that has one already is refused (change that one instead)."""
    if Vision.objects.select_for_update().filter(product=product).exists():
        raise ApplicationError("This product has a vision already: change that one.", {"product": ["Taken."]})
    return instance_create(instance=Vision(product=product, **data), actor=actor)


@transaction.atomic
def vision_save(*, product: Product, actor, data: dict) -> Vision:
    """Create the product's vision or update the one it has (a product has one vision)."""
    vision = Vision.objects.select_for_update().filter(product=product).first()
    if vision is None:
        return instance_create(instance=Vision(product=product, **data), actor=actor)
    return instance_update(instance=vision, data=data)[0]

"""Reads of products, always scoped to the user's workspaces."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.counts import related_count
from workspaces.models import Membership, Workspace
from workspaces.selectors import Access, workspace_ids_for_user

from .models import Product, Vision


def product_access(*, user, product_id: int) -> Access:
    """The user's access to a product; 404 when the product is in a workspace they are not in."""
    product = get_object_or_404(
        Product.objects.select_related("workspace").filter(workspace__memberships__user=user), pk=product_id
    )
    membership = Membership.objects.get(workspace_id=product.workspace_id, user=user)
    return Access(workspace=product.workspace, membership=membership, product=product)


def products_for_user(*, user) -> QuerySet[Product]:
    return Product.objects.filter(workspace__in=workspace_ids_for_user(user=user)).select_related("workspace")


def product_list(*, workspace: Workspace) -> QuerySet[Product]:
    return workspace.products.annotate(item_count=_count("items"), initiative_count=_count("initiatives"))


def _count(relation: str):
    """How many rows of a reverse relation point at each product (core.counts.related_count)."""
    return related_count(Product._meta.get_field(relation).related_model, "product")


def product_overview(*, product: Product) -> dict:
    """The overview page's figures: vision, business cases, personas and counts, in a few queries."""
    counts = (
        Product.objects.filter(pk=product.pk)
        .annotate(
            **{
                f"{name}_count": _count(name)
                for name in ("themes", "initiatives", "releases", "items", "sprints", "kpis", "personas")
            }
        )
        .values()
        .get()
    )
    return {
        "vision": Vision.objects.filter(product=product).first(),
        "business_cases": list(product.business_cases.all()[:5]),
        "personas": list(product.personas.all()[:6]),
        "counts": {k[:-6]: v for k, v in counts.items() if k.endswith("_count")},
    }


def api_product_access(request, product_id: int, capability: str | None = None) -> Access:
    """Access to a product for an API call: 404 outside the user's workspaces, 403 without the capability."""
    access = product_access(user=request.user, product_id=product_id)
    if capability is not None:
        access.require(capability)
    return access

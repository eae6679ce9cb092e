"""Reads of products, always scoped to the user's workspaces."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.counts import related_count
from core.figures import cached_figure
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
    """The workspace's products; their counts come from `product_counts`, for the rows shown."""
    return workspace.products.all()


def product_counts(*, workspace_id: int, product_ids: list[int], names: tuple[str, ...]) -> dict[int, dict]:
    """{product id: {"<relation>_count": n}} for some products: how many themes, initiatives, items…
    point at each. Counting a product of 100,000 items reads 100,000 index entries, so the figures are
    cached by the workspace's version (core.figures: every announced write recomputes them)."""

    def compute() -> dict[int, dict]:
        rows = Product.objects.filter(pk__in=product_ids).annotate(**{f"{n}_count": _count(n) for n in names})
        return {row["id"]: row for row in rows.values("id", *(f"{n}_count" for n in names))}

    parts = (tuple(sorted(product_ids)), names)
    return cached_figure(workspace_id=workspace_id, name="product_counts", parts=parts, compute=compute)


def _count(relation: str):
    """How many rows of a reverse relation point at each product (core.counts.related_count)."""
    return related_count(Product._meta.get_field(relation).related_model, "product")


def product_overview(*, product: Product) -> dict:
    """The overview page's figures: vision, business cases, personas and counts, in a few queries."""
    names = ("themes", "initiatives", "releases", "items", "sprints", "kpis", "personas")
    counts = product_counts(workspace_id=product.workspace_id, product_ids=[product.pk], names=names)[product.pk]
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

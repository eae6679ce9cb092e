"""Reads of workspaces, memberships and products, always scoped to the user's workspaces."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from .models import Capability, Membership, Product, Role, Vision, Workspace


@dataclass(frozen=True)
class Access:
    """Who is asking, in which workspace (and product), with which role."""

    workspace: Workspace
    membership: Membership
    product: Product | None = None

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, capability: str) -> bool:
        return self.membership.can(capability)

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise PermissionDenied(f"Your role ({self.membership.get_role_display()}) may not do this.")

    @property
    def perms(self) -> dict[str, bool]:
        """For templates: {{ perms.edit_strategy }} and so on."""
        return {c: self.can(c) for c in Capability.values}


def workspaces_for_user(*, user) -> QuerySet[Workspace]:
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user)


def workspace_ids_for_user(*, user) -> QuerySet:
    return Membership.objects.filter(user=user).values("workspace_id")


def workspace_list_for_user(*, user) -> QuerySet[Workspace]:
    return workspaces_for_user(user=user).annotate(product_count=Count("products", distinct=True)).order_by("name")


def workspace_access(*, user, workspace_id: int) -> Access:
    """The user's access to a workspace; 404 when they are not a member (it may as well not exist)."""
    membership = get_object_or_404(Membership.objects.select_related("workspace"), workspace_id=workspace_id, user=user)
    return Access(workspace=membership.workspace, membership=membership)


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
    return workspace.products.annotate(
        item_count=Count("items", distinct=True), initiative_count=Count("initiatives", distinct=True)
    )


def members_for_workspace(*, workspace: Workspace) -> QuerySet[Membership]:
    return workspace.memberships.select_related("user").order_by("user__username")


def users_of_workspace(*, workspace_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__workspace_id=workspace_id).order_by("username")


def admin_count(*, workspace: Workspace) -> int:
    return workspace.memberships.filter(role=Role.ADMIN).count()


def _count(relation: str):
    """A correlated COUNT subquery over a reverse relation (no join fan-out between counts)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    model = Product._meta.get_field(relation).related_model
    counts = (
        model.objects.filter(product=OuterRef("pk")).order_by().values("product").annotate(c=Count("pk")).values("c")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


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

"""Reads of saved backlog views: a person sees their own and the shared ones of their workspaces."""

from django.db.models import Q, QuerySet

from workspaces.selectors import workspace_ids_for_user

from ..models import SavedView


def saved_views_visible_to(*, user) -> QuerySet[SavedView]:
    """Every view the user may open: theirs, and the shared views of their workspaces."""
    return SavedView.objects.filter(product__workspace__in=workspace_ids_for_user(user=user)).filter(
        Q(owner=user) | Q(shared=True)
    )


def saved_views_for_product(*, user, product) -> QuerySet[SavedView]:
    return (
        SavedView.objects.filter(product=product).filter(Q(owner=user) | Q(shared=True)).select_related("owner")
    ).order_by("-shared", "name", "id")

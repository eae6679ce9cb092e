from django.db.models import QuerySet

from ..models import RoadmapShareLink
from ..services.share_links import share_token_hash


def share_link_list(*, product) -> QuerySet[RoadmapShareLink]:
    return RoadmapShareLink.objects.filter(product=product).select_related("created_by")


def share_link_for_token(*, token: str) -> RoadmapShareLink | None:
    """The active link for a token, with its product; None for an unknown or revoked token."""
    return (
        RoadmapShareLink.objects.filter(token_hash=share_token_hash(token), revoked_at__isnull=True)
        .select_related("product", "product__workspace")
        .first()
    )

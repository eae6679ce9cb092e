"""Read-only roadmap links for people without an account: only a hash of the token is stored."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from core.services import instance_create
from products.models import Product

from ..models import RoadmapShareLink


def share_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def share_link_create(*, product: Product, actor, label: str = "") -> tuple[RoadmapShareLink, str]:
    """Make a read-only roadmap link; returns the link and its token, which is never stored nor shown again."""
    token = secrets.token_urlsafe(32)
    link = RoadmapShareLink(
        product=product, label=label.strip(), token_hash=share_token_hash(token), token_prefix=token[:6]
    )
    return instance_create(instance=link, actor=actor), token


@transaction.atomic
def share_link_revoke(*, link: RoadmapShareLink, actor) -> RoadmapShareLink:
    if link.revoked_at is None:
        RoadmapShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        link.refresh_from_db()
    return link

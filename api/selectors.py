from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ApiToken
from .services import token_digest


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_get_for_owner(*, user, token_id: int) -> ApiToken:
    return get_object_or_404(ApiToken, user=user, pk=token_id)


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token for a raw value (not revoked, not expired, active user), or None."""
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    return token


def webhooks_of(*, workspace):
    from .models import WebhookSubscription

    return WebhookSubscription.objects.filter(workspace=workspace).order_by("-created_at")


def deliveries_of(*, workspace, limit: int = 50):
    from .models import WebhookDelivery

    return (
        WebhookDelivery.objects.filter(subscription__workspace=workspace)
        .select_related("subscription")
        .order_by("-created_at", "-id")[:limit]
    )

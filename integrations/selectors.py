import functools
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ApiToken, WebhookDelivery, WebhookSubscription
from .services import token_digest


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_get_for_owner(*, user, token_id: int) -> ApiToken:
    return get_object_or_404(ApiToken, user=user, pk=token_id)


@functools.cache
def _token_query() -> tuple[str, tuple[str, ...]]:
    """One statement for the token and its user. Every API request runs it, so it is written once
    (names come from the models' metadata, never from input; the digest is a bound parameter)."""
    user_model = get_user_model()
    user_fields = [f.attname for f in user_model._meta.concrete_fields]
    columns = ", ".join(f'u."{user_model._meta.get_field(name).column}"' for name in user_fields)
    sql = (
        f"SELECT t.id, t.user_id, t.name, t.prefix, t.expires_at, t.last_used_at, t.revoked_at, {columns} "
        f"FROM {ApiToken._meta.db_table} t JOIN {user_model._meta.db_table} u ON u.id = t.user_id "
        "WHERE t.digest = %s"
    )
    return sql, tuple(user_fields)


TOKEN_FIELDS = ["id", "user_id", "name", "prefix", "expires_at", "last_used_at", "revoked_at"]


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token for a raw value (not revoked, not expired, active user), or None."""
    sql, user_fields = _token_query()
    digest = token_digest(raw)
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    # A raw cursor skips the ORM's converters: SQLite gives naive UTC datetimes where PostgreSQL gives aware ones.
    row = [timezone.make_aware(v, UTC) if isinstance(v, datetime) and timezone.is_naive(v) else v for v in row]
    token = ApiToken.from_db(connection.alias, TOKEN_FIELDS, row[: len(TOKEN_FIELDS)])
    token.user = get_user_model().from_db(connection.alias, user_fields, row[len(TOKEN_FIELDS) :])
    if token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    return token


def webhooks_of(*, workspace) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(workspace=workspace).order_by("-created_at")


def deliveries_of(*, workspace, limit: int = 50) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(subscription__workspace=workspace)
        .select_related("subscription")
        .order_by("-created_at", "-id")[:limit]
    )

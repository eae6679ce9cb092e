"""Writes of personal API tokens."""

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from core.services import instance_create

from .models import ApiToken

TOKEN_PREFIX = "pmh_"


def token_digest(raw: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough (no salt or slow hash needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns (token, raw). The raw value is never stored and cannot be shown again."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError("The expiry must be in the future.", {"expires_at": ["Pick a date in the future."]})
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise ApplicationError("You already have a token with this name.", {"name": ["Pick another name."]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:12], digest=token_digest(raw), expires_at=expires_at)
    return instance_create(instance=token, actor=user), raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.version += 1
        token.save(update_fields=["revoked_at", "version", "updated_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record use, at most once a minute per token so that reads do not each cost a write."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now

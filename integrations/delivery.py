"""Sending one webhook delivery: signed JSON POSTed to the checked addresses, its outcome recorded,
and a subscription that keeps failing paused (its workspace admins are told)."""

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from workspaces.models import Role
from workspaces.selectors import members_for_workspace

from .models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from .subscriptions import subscriptions_changed
from .targets import resolve_target, target_port

TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 6


class DeliveryFailed(Exception):
    """A delivery attempt failed in a way a retry may fix (network error, 5xx, 429, …)."""


def pause_after() -> int:
    return getattr(settings, "WEBHOOK_PAUSE_AFTER_FAILURES", 10)


def subscription_secret(subscription: WebhookSubscription) -> str:
    """The signing secret: derived, never stored (see WebhookSubscription)."""
    key = hmac.new(settings.SECRET_KEY.encode(), f"webhook:{subscription.secret_salt}".encode(), hashlib.sha256)
    return "whsec_" + key.hexdigest()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(url: str, addresses: list[str], body: bytes, headers: dict) -> int:
    """POST to one of `addresses` (those resolve_target checked), with the URL's host name in the
    Host header and, for https, in SNI and the certificate check. Redirects are not followed (one
    could point inside the network)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, target_port(parts), timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, target_port(parts), timeout=TIMEOUT_SECONDS)

    def pinned(address, timeout=None, source_address=None, **kwargs):
        error: OSError | None = None
        for ip in addresses:  # in resolution order, like socket.create_connection, but no new lookup
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address, **kwargs)
            except OSError as exc:
                error = exc
        raise error or OSError("No address to connect to.")

    connection._create_connection = pinned  # what connect() opens its socket with
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # a little of the answer, so that the receiver is not cut off mid-reply
        return response.status
    finally:
        connection.close()


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one delivery (idempotent: a delivered or given-up delivery is not sent again).

    Raises DeliveryFailed when the attempt failed and another one may follow.
    """
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
        return delivery
    subscription = delivery.subscription
    if not subscription.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error="Subscription paused."
        )
        return delivery
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "PMHub-Webhooks/1",
        "X-PMHub-Event": delivery.event,
        "X-PMHub-Delivery": str(delivery.event_id),
        "X-PMHub-Timestamp": delivery.payload.get("created_at", ""),
        "X-PMHub-Signature-256": signature(subscription_secret(subscription), body),
    }
    started = time.monotonic()
    code, error = None, ""
    try:
        code = _post(subscription.url, resolve_target(subscription.url), body, headers)
    except ValidationError as exc:
        error = "; ".join(exc.messages)
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
    duration = int((time.monotonic() - started) * 1000)
    ok = code is not None and 200 <= code < 300
    attempts = delivery.attempts + 1
    final = ok or attempts >= MAX_ATTEMPTS
    status = DeliveryStatus.SUCCEEDED if ok else (DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING)
    if not error and not ok:
        error = f"The receiver answered HTTP {code}."
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=attempts,
        response_code=code,
        duration_ms=duration,
        error=error,
        delivered_at=timezone.now() if ok else None,
    )
    delivery.refresh_from_db()
    _record_outcome(subscription_id=subscription.pk, ok=ok)
    if not final:
        raise DeliveryFailed(error)
    return delivery


@transaction.atomic
def _record_outcome(*, subscription_id: int, ok: bool) -> None:
    """Count failures in a row; pause the subscription and tell the workspace admins at the threshold."""
    if ok:
        WebhookSubscription.objects.filter(pk=subscription_id, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
        return
    WebhookSubscription.objects.filter(pk=subscription_id).update(consecutive_failures=F("consecutive_failures") + 1)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription_id)
    if subscription.is_active and subscription.consecutive_failures >= pause_after():
        reason = f"Paused after {subscription.consecutive_failures} failed deliveries in a row."
        WebhookSubscription.objects.filter(pk=subscription_id).update(
            is_active=False, paused_at=timezone.now(), pause_reason=reason, version=F("version") + 1
        )
        subscriptions_changed(workspace_id=subscription.workspace_id)
        transaction.on_commit(partial(_tell_admins, subscription_id=subscription_id, reason=reason))


def _tell_admins(*, subscription_id: int, reason: str) -> None:
    subscription = WebhookSubscription.objects.select_related("workspace").get(pk=subscription_id)
    admins = members_for_workspace(workspace=subscription.workspace).filter(role=Role.ADMIN)
    emails = [m.user.email for m in admins if m.user.email]
    if emails:
        send_mail(
            subject=f"[PMHub] Webhook paused in {subscription.workspace.name}",
            message=f"The webhook to {subscription.url} was paused. {reason}\n"
            "Fix the receiver, then resume it (PATCH is_active=true on the subscription).",
            from_email=None,
            recipient_list=emails,
            fail_silently=True,
        )

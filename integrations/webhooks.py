"""Webhooks: subscriptions, the SSRF guard, the event subscriber, and signed delivery attempts."""

import fnmatch
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
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

from core.services import instance_create, instance_update

from .models import DeliveryStatus, WebhookDelivery, WebhookSubscription

EVENTS = (
    "item.created",
    "item.updated",
    "item.deleted",
    "item.moved",
    "item.bulk_saved",
    "initiative.created",
    "initiative.updated",
    "initiative.deleted",
    "objective.created",
    "objective.updated",
    "objective.deleted",
    "key_result.checked_in",
    "prioritization.completed",
    "ping",
)
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 6


def pause_after() -> int:
    return getattr(settings, "WEBHOOK_PAUSE_AFTER_FAILURES", 10)


def subscription_secret(subscription: WebhookSubscription) -> str:
    """The signing secret: derived, never stored (see WebhookSubscription)."""
    key = hmac.new(settings.SECRET_KEY.encode(), f"webhook:{subscription.secret_salt}".encode(), hashlib.sha256)
    return "whsec_" + key.hexdigest()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# ---- SSRF guard --------------------------------------------------------------------------------


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _http_url(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": "Use an http:// or https:// URL."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Put no credentials in the URL."})
    try:
        parts.port  # noqa: B018 (urlsplit checks the port when it is read)
    except ValueError as error:
        raise ValidationError({"url": "The port is not a valid number."}) from error
    return parts


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def resolve_target(url: str) -> list[str]:
    """The addresses a delivery to `url` may connect to: http(s) only, and public ones only (unless
    WEBHOOK_ALLOW_PRIVATE_TARGETS). The delivery connects to these very addresses, so a name that
    resolves to a public address when checked and to a private one a moment later gains nothing."""
    parts = _http_url(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, _port(parts))
    except (socket.gaierror, UnicodeError, ValueError) as error:
        raise ValidationError({"url": "The host name does not resolve."}) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)))
    if not addresses:
        raise ValidationError({"url": "The host name does not resolve."})
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and not all(_is_public(address) for address in addresses):
        raise ValidationError({"url": "Private, loopback and link-local addresses are not allowed."})
    return addresses


def check_target(url: str) -> None:
    """Refuse anything but http(s) to public addresses (unless WEBHOOK_ALLOW_PRIVATE_TARGETS)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        _http_url(url)  # any address will do, but only http(s)
    else:
        resolve_target(url)


def _validate_events(events) -> None:
    if not isinstance(events, list) or not events:
        raise ValidationError({"events": "List at least one event."})
    for pattern in events:
        if not isinstance(pattern, str) or not any(fnmatch.fnmatchcase(e, pattern) for e in EVENTS):
            raise ValidationError({"events": f"Unknown event: {pattern!r}. Known: {', '.join(EVENTS)} (or a.*)."})


# ---- services ----------------------------------------------------------------------------------


@transaction.atomic
def webhook_create(*, workspace, url: str, events: list, description: str = "", actor) -> tuple:
    """Create a subscription; returns (subscription, secret). The secret is shown once."""
    _validate_events(events)
    check_target(url)
    subscription = WebhookSubscription(
        workspace=workspace, url=url, events=events, description=description, secret_salt=secrets.token_hex(16)
    )
    subscription = instance_create(instance=subscription, actor=actor)
    return subscription, subscription_secret(subscription)


@transaction.atomic
def webhook_update(*, subscription: WebhookSubscription, data: dict) -> WebhookSubscription:
    if "events" in data:
        _validate_events(data["events"])
    if "url" in data:
        check_target(data["url"])
    if data.get("is_active") and not subscription.is_active:
        data = {**data}
        subscription.paused_at, subscription.pause_reason, subscription.consecutive_failures = None, "", 0
        data.update(paused_at=None, pause_reason="", consecutive_failures=0)
    return instance_update(instance=subscription, data=data)[0]


@transaction.atomic
def webhook_delete(*, subscription: WebhookSubscription) -> None:
    subscription.delete()


def _matches(subscription_events: list, event: str) -> bool:
    return any(fnmatch.fnmatchcase(event, pattern) for pattern in subscription_events)


def webhooks_on_event(*, event: str, workspace_id: int, data: dict) -> None:
    """Subscriber of core.events (runs after commit): record one delivery per matching subscription."""
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(workspace_id=workspace_id, is_active=True).only("id", "events")
        if _matches(s.events, event)
    ]
    if subscriptions:
        deliveries_enqueue(subscriptions=subscriptions, event=event, workspace_id=workspace_id, data=data)


@transaction.atomic
def deliveries_enqueue(*, subscriptions, event: str, workspace_id: int, data: dict) -> list[WebhookDelivery]:
    from .tasks import webhook_deliver

    now = timezone.now()
    deliveries = []
    for subscription in subscriptions:
        delivery = WebhookDelivery(subscription_id=subscription.pk, event=event, payload={})
        delivery.payload = {
            "id": str(delivery.event_id),
            "event": event,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "workspace": workspace_id,
            "data": data,
        }
        deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        transaction.on_commit(partial(webhook_deliver.delay, delivery_id=delivery.pk))
    return deliveries


class DeliveryFailed(Exception):
    """A delivery attempt failed in a way a retry may fix (network error, 5xx, 429, …)."""


def _post(url: str, addresses: list[str], body: bytes, headers: dict) -> int:
    """POST to one of `addresses` (those resolve_target checked), with the URL's host name in the
    Host header and, for https, in SNI and the certificate check. Redirects are not followed (one
    could point inside the network)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, _port(parts), timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, _port(parts), timeout=TIMEOUT_SECONDS)

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
        transaction.on_commit(partial(_tell_admins, subscription_id=subscription_id, reason=reason))


def _tell_admins(*, subscription_id: int, reason: str) -> None:
    from workspaces.models import Role

    subscription = WebhookSubscription.objects.select_related("workspace").get(pk=subscription_id)
    emails = [
        m.user.email
        for m in subscription.workspace.memberships.filter(role=Role.ADMIN).select_related("user")
        if m.user.email
    ]
    if emails:
        send_mail(
            subject=f"[PMHub] Webhook paused in {subscription.workspace.name}",
            message=f"The webhook to {subscription.url} was paused. {reason}\n"
            "Fix the receiver, then resume it (PATCH is_active=true or the resume action).",
            from_email=None,
            recipient_list=emails,
            fail_silently=True,
        )


def webhook_ping(*, subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue a `ping` delivery to test a receiver."""
    return deliveries_enqueue(
        subscriptions=[subscription], event="ping", workspace_id=subscription.workspace_id, data={"hello": "PMHub"}
    )[0]

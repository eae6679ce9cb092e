"""Webhook subscriptions: their writes, the event subscriber that records deliveries, and pings.

Which events a subscription may name comes from core's event registry (the events declared with
webhook=True); sending a delivery is integrations.delivery's job, run by a task after commit.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import events, outbox
from core.exceptions import ApplicationError
from core.services import instance_create, instance_update

from .delivery import subscription_secret
from .events import PING
from .models import WebhookDelivery, WebhookSubscription
from .subscriptions import active_matching
from .targets import check_target


def webhook_event_names() -> list[str]:
    """The events a subscription may name: the registry's webhook events."""
    return [event.name for event in events.webhook_events()]


def webhook_event_choices() -> list[str]:
    """What a subscription may name: an event, every event of one kind (`item.*`), or all (`*`)."""
    names = webhook_event_names()
    kinds = sorted({name.split(".", 1)[0] + ".*" for name in names if "." in name})
    return [*names, *kinds, "*"]


def _validate_events(patterns) -> None:
    if not isinstance(patterns, list) or not patterns:
        raise ValidationError({"events": "List at least one event."})
    choices = webhook_event_choices()
    for pattern in patterns:
        if pattern not in choices:
            raise ValidationError({"events": f"Unknown event: {pattern!r}. Known: {', '.join(choices)}."})


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


def webhooks_on_event(*, event: str, workspace_id: int, data: dict) -> None:
    """Subscriber of core.events (runs after commit): record one delivery per matching subscription.

    Internal events (declared with webhook=False) are never delivered, even to a pattern like item.*.
    """
    if not events.is_webhook_event(event):
        return
    subscriptions = active_matching(workspace_id, event)
    if subscriptions:
        deliveries_enqueue(subscriptions=subscriptions, event=event, workspace_id=workspace_id, data=data)


def webhooks_on_events(*, event: str, workspace_id: int, data: list[dict]) -> None:
    """The batch form of `webhooks_on_event` (core.events.publish_many): one lookup of the subscriptions."""
    if not events.is_webhook_event(event) or not data:
        return
    subscriptions = active_matching(workspace_id, event)
    for one in data if subscriptions else []:
        deliveries_enqueue(subscriptions=subscriptions, event=event, workspace_id=workspace_id, data=one)


webhooks_on_event.many = webhooks_on_events


@transaction.atomic
def deliveries_enqueue(*, subscriptions, event: str, workspace_id: int, data: dict) -> list[WebhookDelivery]:
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
        outbox.enqueue("integrations.tasks.webhook_deliver", delivery_id=delivery.pk)
    return deliveries


PAUSED_PING = "The subscription is paused: resume it first."


def webhook_ping(*, subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue a `ping` delivery to test a receiver; a paused subscription is not pinged."""
    if not subscription.is_active:
        raise ApplicationError(PAUSED_PING)
    return deliveries_enqueue(
        subscriptions=[subscription], event=PING, workspace_id=subscription.workspace_id, data={"hello": "PMHub"}
    )[0]

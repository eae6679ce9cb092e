"""Domain events: services announce what happened; subscribers (webhooks, re-scoring) act.

Every event is declared once, with a one-line description, in the `events.py` of the app that
publishes it (`ITEM_CREATED = define("item.created", "A backlog item was created.")`). Core's
AppConfig loads those modules at startup, so the registry is complete before the first request;
the webhook event list, its OpenAPI enum and the webhook page are all derived from it.

`publish` refuses a name nobody declared, and runs the subscribers at once, inside the write's
transaction: a subscriber only records what must happen (rows of its own, tasks through the
transactional outbox, `core.outbox.enqueue`), so what it records commits or rolls back with the
write, and its work runs after the commit even if the broker is down at that moment. Subscribers
never call out themselves.
"""

from collections.abc import Callable
from dataclasses import dataclass

Subscriber = Callable[..., None]
_subscribers: list[Subscriber] = []


@dataclass(frozen=True)
class Event:
    name: str
    description: str
    webhook: bool = True  # offered to webhook subscriptions; False for events only the app itself listens to


_registry: dict[str, Event] = {}


def define(name: str, description: str, *, webhook: bool = True) -> str:
    """Declare an event and return its name (the constant services publish)."""
    event = Event(name=name, description=description, webhook=webhook)
    known = _registry.get(name)
    if known is not None and known != event:
        raise ValueError(f"The event {name!r} is declared twice, differently: {known} and {event}.")
    _registry[name] = event
    return name


def registered() -> list[Event]:
    """Every declared event, by name."""
    return sorted(_registry.values(), key=lambda e: e.name)


def webhook_events() -> list[Event]:
    """The declared events a webhook may subscribe to, by name."""
    return [e for e in registered() if e.webhook]


def is_webhook_event(name: str) -> bool:
    event = _registry.get(name)
    return event is not None and event.webhook


def subscribe(subscriber: Subscriber) -> Subscriber:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def publish_many(*, event: str, workspace_id: int, data: list[dict]) -> None:
    """Announce the same event for many objects at once (an import's items), as `publish` would one by one.

    A subscriber that offers a batch form (a `many` attribute taking the same arguments with a list of
    `data`) hears the batch once, so it can record its rows with one query instead of one per object;
    any other subscriber hears each object in turn.
    """
    if event not in _registry:
        raise ValueError(f"Unknown event {event!r}: declare it with define() in the publishing app's events.py.")
    for subscriber in list(_subscribers):
        many = getattr(subscriber, "many", None)
        if many is not None:
            many(event=event, workspace_id=workspace_id, data=data)
        else:
            for one in data:
                subscriber(event=event, workspace_id=workspace_id, data=one)


def publish(*, event: str, workspace_id: int, data: dict) -> None:
    """Announce `event` (e.g. "item.created") of a workspace with a JSON-ready `data` dict."""
    if event not in _registry:
        raise ValueError(f"Unknown event {event!r}: declare it with define() in the publishing app's events.py.")

    for subscriber in list(_subscribers):
        subscriber(event=event, workspace_id=workspace_id, data=data)

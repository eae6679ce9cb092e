"""Domain events for integrations: services announce what happened; subscribers (webhooks) act.

`publish` runs the subscribers after the surrounding transaction commits, so nobody hears of
a change that was rolled back. Subscribers must be quick (enqueue a task, not call out).
"""

from collections.abc import Callable

from django.db import transaction

Subscriber = Callable[..., None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> Subscriber:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def publish(*, event: str, workspace_id: int, data: dict) -> None:
    """Announce `event` (e.g. "item.created") of a workspace with a JSON-ready `data` dict."""

    def deliver() -> None:
        for subscriber in list(_subscribers):
            subscriber(event=event, workspace_id=workspace_id, data=data)

    transaction.on_commit(deliver)

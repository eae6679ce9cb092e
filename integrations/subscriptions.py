"""A workspace's active webhook subscriptions, cached between events.

Every write announces an event and most workspaces have no subscription: the lookup is kept in the
cache (core.figures, family `webhooks`) until a subscription of the workspace is created, changed,
paused or deleted. Its own module, so that the delivery (which pauses) and the webhooks (which match)
both use it without importing each other.
"""

import fnmatch

from core.figures import cached_figure, figures_bump

from .models import WebhookSubscription


def _matches(subscription_events: list, event: str) -> bool:
    return any(fnmatch.fnmatchcase(event, pattern) for pattern in subscription_events)


SUBSCRIPTIONS = "webhooks"


def subscriptions_changed(*, workspace_id: int) -> None:
    """A subscription of the workspace was created, changed, paused or deleted: look them up again (now,
    and after the commit). Called on every save and delete of one (integrations.apps) and by the
    delivery's pause, which updates the row without saving a model."""
    figures_bump(workspace_id=workspace_id, family=SUBSCRIPTIONS)


def subscriptions_changed_by_model(*, instance: WebhookSubscription, **_) -> None:
    subscriptions_changed(workspace_id=instance.workspace_id)


def active_matching(workspace_id: int, event: str) -> list[WebhookSubscription]:
    active = cached_figure(
        workspace_id=workspace_id,
        name="active",
        parts=(),
        family=SUBSCRIPTIONS,
        compute=lambda: list(
            WebhookSubscription.objects.filter(workspace_id=workspace_id, is_active=True).values_list("id", "events")
        ),
    )
    return [WebhookSubscription(pk=pk, events=patterns) for pk, patterns in active if _matches(patterns, event)]

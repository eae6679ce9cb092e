"""Events of the webhooks themselves (see core.events)."""

from core.events import define

PING = define("ping", "A test delivery, sent when an admin pings a subscription.")

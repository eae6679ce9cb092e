"""Events the roadmap publishes (see core.events)."""

from core.events import define

INITIATIVE_CREATED = define("initiative.created", "An initiative was added to the roadmap.")
INITIATIVE_UPDATED = define("initiative.updated", "An initiative's fields or dates changed; `changed` lists them.")
INITIATIVE_DELETED = define("initiative.deleted", "An initiative was deleted.")
INITIATIVE_MOVED = define("initiative.moved", "An initiative moved on the now/next/later board.")
INITIATIVE_SHIPPED = define("initiative.shipped", "An initiative was marked shipped (its outcome review is due later).")
RELEASE_SHIPPED = define("release.shipped", "A release was marked released (its outcome review is due later).")
RELEASE_BASELINED = define("release.baselined", "A release's scope was recorded as its baseline.")

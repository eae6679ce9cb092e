"""Events the backlog publishes (see core.events)."""

from core.events import define

ITEM_CREATED = define("item.created", "A backlog item was created.")
ITEM_UPDATED = define("item.updated", "A backlog item's fields changed; `changed` lists them.")
ITEM_DELETED = define("item.deleted", "A backlog item was deleted.")
ITEM_MOVED = define("item.moved", "A backlog item moved in its product's manual order.")
ITEM_SAVED = define(
    "item.saved",
    "An item was saved (created or updated) with new score inputs; `changed` lists those inputs.",
    webhook=False,  # prioritisation re-scores on it; webhooks get item.created and item.updated instead
)
ITEM_BULK_SAVED = define("item.bulk_saved", "Items of one product were created or changed in one bulk save.")
SPRINT_STARTED = define("sprint.started", "A sprint started; its scope at that moment is the burndown's baseline.")
SPRINT_COMPLETED = define(
    "sprint.completed", "A sprint was completed; `carried_over` lists the unfinished items and where they went."
)
ITEM_DEPENDENCY_ADDED = define("item.dependency_added", "A backlog item now waits for another.")
ITEM_DEPENDENCY_REMOVED = define("item.dependency_removed", "A backlog item no longer waits for another.")

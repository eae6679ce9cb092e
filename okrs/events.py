"""Events of objectives and key results (see core.events)."""

from core.events import define

OBJECTIVE_CREATED = define("objective.created", "An objective was created.")
OBJECTIVE_UPDATED = define("objective.updated", "An objective's fields changed; `changed` lists them.")
OBJECTIVE_DELETED = define("objective.deleted", "An objective was deleted.")
KEY_RESULT_CHECKED_IN = define("key_result.checked_in", "A key result got a check-in (a new measured value).")

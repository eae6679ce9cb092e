"""Events prioritisation publishes (see core.events)."""

from core.events import define

PRIORITIZATION_COMPLETED = define(
    "prioritization.completed", "A full re-score of a product finished; carries the job's result."
)

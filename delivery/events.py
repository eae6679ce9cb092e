"""Events the delivery app publishes (see core.events)."""

from core.events import define

OUTCOME_REVIEW_SCHEDULED = define(
    "outcome_review.scheduled", "Shipped work's outcome review was scheduled; `due_on` says when."
)
OUTCOME_REVIEW_DUE = define(
    "outcome_review.due", "An outcome review is due: time to see whether the work moved its metrics."
)
OUTCOME_REVIEW_RECORDED = define(
    "outcome_review.recorded", "A PM recorded an outcome review's verdict (worked, partly, did not) and learning."
)

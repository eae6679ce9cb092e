"""Events discovery publishes (see core.events): webhooks offer them all."""

from core.events import define

CUSTOMER_CREATED = define("customer.created", "A customer was added (by hand, import, API or from feedback).")
CUSTOMER_UPDATED = define("customer.updated", "A customer's fields changed; `changed` lists them.")
CUSTOMER_DELETED = define("customer.deleted", "A customer was deleted.")
FEEDBACK_CREATED = define("feedback.created", "A feedback note was recorded (page, API, import, inbound or mail).")
FEEDBACK_UPDATED = define("feedback.updated", "A feedback note's fields changed; `changed` lists them.")
FEEDBACK_PROCESSED = define("feedback.processed", "A feedback note was marked processed or archived.")
FEEDBACK_DELETED = define("feedback.deleted", "A feedback note was deleted.")
INSIGHT_LINKED = define("insight.linked", "A passage of a note was linked to an item, initiative or idea.")
INSIGHT_UPDATED = define("insight.updated", "An insight's importance or passage changed.")
INSIGHT_UNLINKED = define("insight.unlinked", "An insight was removed.")
IDEA_CREATED = define("idea.created", "An idea was added (by a member or through the portal).")
IDEA_UPDATED = define("idea.updated", "An idea's fields or status changed; `changed` lists them.")
IDEA_DELETED = define("idea.deleted", "An idea was deleted.")
IDEA_VOTED = define("idea.voted", "Someone voted for an idea.")
IDEA_PROMOTED = define("idea.promoted", "An idea became a backlog item or an initiative, keeping its evidence.")

"""Events collaboration publishes (see core.events). Subscribers (notifications, webhooks) rely on these payloads.

Every payload is JSON-ready and carries the workspace through `publish(workspace_id=...)`.

comment.created / comment.updated / comment.deleted, data:
    {"id": <comment id>,
     "target": {"type": "<app_label.model>" e.g. "backlog.backlogitem", "id": <object id>,
                "title": "<the object's str>", "url": "<the object's page path>"},
     "parent": <id of the comment it answers, or null>,
     "author": <user id>,
     "mentions": [<user ids @mentioned in the body, members of the workspace, author excluded>],
     "url": "<page path of the comment: the object's page + #comment-<id>>"}
  On comment.updated, "mentions" lists only the users newly mentioned by this edit, and
  "changed" = ["body"]. comment.deleted carries the same keys, with "mentions": [].

trash.trashed / trash.restored, data:
    {"id": <trash entry id>, "target": {"type": "<app_label.model>", "id": <object id>, "title": "<str>"},
     "actor": <user id or null>}
"""

from core.events import define

COMMENT_CREATED = define("comment.created", "A comment was posted on an object; `mentions` lists mentioned users.")
COMMENT_UPDATED = define(
    "comment.updated", "A comment was edited by its author; `mentions` lists newly mentioned users."
)
COMMENT_DELETED = define("comment.deleted", "A comment was deleted by its author.")
TRASH_TRASHED = define("trash.trashed", "An object was deleted and kept in the trash for 30 days.")
TRASH_RESTORED = define("trash.restored", "An object was restored from the trash.")

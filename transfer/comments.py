"""Where imported comments go: the extension point for the collaboration app's comments.

Until a writer is registered, an imported item's comments are kept as a "Comments" section at the end
of its description, in Markdown (services/description.py). Once the collaboration app's comments
exist, `register_comment_writer` (from this app's AppConfig.ready) makes the importer hand each new
item's comments to that writer instead, inside the import's transaction; an item imported again keeps
the comments written the first time (the writer is called for new items only, so none is doubled).

A writer is called as writer(item=BacklogItem, comments=[formats.records.Comment], actor=user or None).
"""

from collections.abc import Callable

from collaboration.models import COMMENT_MAX
from collaboration.registry import kind_of_model
from collaboration.services.comments import comment_create

CommentWriter = Callable[..., None]
_writer: list[CommentWriter] = []


def register_comment_writer(writer: CommentWriter | None) -> None:
    """Send imported comments to `writer` (None: back into the description)."""
    _writer[:] = [writer] if writer is not None else []


def comment_writer() -> CommentWriter | None:
    return _writer[0] if _writer else None


def comments_to_collaboration(*, item, comments, actor) -> None:
    """Imported comments as comments of the item (collaboration's service: Markdown made safe, a
    `comment.created` each), by the person who ran the import, each headed by its source author and time."""
    kind = kind_of_model(type(item))
    for comment in comments:
        heading = " · ".join(part for part in (comment.author, comment.created) if part)
        body = f"**{heading}**\n\n{comment.body}" if heading else comment.body
        if len(body) > COMMENT_MAX:
            body = body[: COMMENT_MAX - 1] + "…"
        if body.strip():
            comment_create(kind=kind, target=item, body=body, author=actor)

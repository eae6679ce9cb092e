"""Where imported comments go: the extension point for the collaboration app's comments.

Until a writer is registered, an imported item's comments are kept as a "Comments" section at the end
of its description, in Markdown (services/description.py). Once the collaboration app's comments
exist, `register_comment_writer` (from this app's AppConfig.ready) makes the importer hand each new
item's comments to that writer instead, inside the import's transaction; an item imported again keeps
the comments written the first time (the writer is called for new items only, so none is doubled).

A writer is called once per batch of new items as writer(batch=[(BacklogItem, [formats.records.Comment])],
actor=user or None).
"""

from collections.abc import Callable

from collaboration.models import COMMENT_MAX
from collaboration.services.comments import comments_import

CommentWriter = Callable[..., None]
_writer: list[CommentWriter] = []


def register_comment_writer(writer: CommentWriter | None) -> None:
    """Send imported comments to `writer` (None: back into the description)."""
    _writer[:] = [writer] if writer is not None else []


def comment_writer() -> CommentWriter | None:
    return _writer[0] if _writer else None


def comments_to_collaboration(*, batch, actor) -> None:
    """Imported comments as comments of their items (collaboration's import service: Markdown made safe,
    one insert for the batch, nobody notified), by the person who ran the import, each headed by its
    source author and time."""
    entries = []
    for item, comments in batch:
        for comment in comments:
            heading = " · ".join(part for part in (comment.author, comment.created) if part)
            body = (f"**{heading}**\n\n{comment.body}" if heading else comment.body).strip()
            if len(body) > COMMENT_MAX:
                body = body[: COMMENT_MAX - 1] + "…"
            entries.append((item, body))
    comments_import(entries=entries, author=actor)

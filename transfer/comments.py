"""Where imported comments go: the extension point for the collaboration app's comments.

Until a writer is registered, an imported item's comments are kept as a "Comments" section at the end
of its description, in Markdown (services/description.py). Once the collaboration app's comments
exist, `register_comment_writer` (from this app's AppConfig.ready) makes the importer hand each new
item's comments to that writer instead, inside the import's transaction; an item imported again keeps
the comments written the first time (the writer is called for new items only, so none is doubled).

A writer is called as writer(item=BacklogItem, comments=[formats.records.Comment], actor=user or None).
"""

from collections.abc import Callable

CommentWriter = Callable[..., None]
_writer: list[CommentWriter] = []


def register_comment_writer(writer: CommentWriter | None) -> None:
    """Send imported comments to `writer` (None: back into the description)."""
    _writer[:] = [writer] if writer is not None else []


def comment_writer() -> CommentWriter | None:
    return _writer[0] if _writer else None

"""An imported item's description in Markdown: the source's text, then what PMHub has no field for
(due date, components…; labels are real labels, set by services/items.py), then the comments, as
long as the comments of the collaboration app are not there to hold them."""

from ..formats.records import SourceItem

SOURCE_NAMES = {"jira": "Jira", "trello": "Trello", "table": "a table"}
DESCRIPTION_MAX = 100_000


def description_of(src: SourceItem, source: str, *, with_comments: bool = True) -> str:
    parts = [src.description.strip()] if src.description.strip() else []
    facts = []
    if src.due:
        facts.append(f"Due: {src.due.isoformat()}")
    facts += src.notes
    if source != "table" and len(src.sprints) > 1:
        facts.append("Earlier sprints: " + ", ".join(s.name for s in src.sprints[:-1]))
    if facts:
        parts.append("\n".join(f"- {fact}" for fact in facts))
    if src.comments and with_comments:
        lines = ["## Comments"]
        for comment in src.comments:
            who = comment.author or "someone"
            when = f" ({comment.created})" if comment.created else ""
            lines.append(f"**{who}**{when}:\n\n{comment.body.strip()}")
        parts.append("\n\n".join(lines))
    text = "\n\n".join(parts)
    if len(text) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - 1] + "…"
    return text

"""The preview's defaults: how the source's statuses, issue types, people and sprints map to PMHub's.

Every default can be changed in the preview (page or API) before the dry run.
"""

import re

from backlog.models import ItemKind, ItemStatus

CATEGORY_STATUS = {"new": ItemStatus.NEW, "indeterminate": ItemStatus.IN_PROGRESS, "done": ItemStatus.DONE}
STATUS_WORDS = [
    (re.compile(r"\b(done|closed|resolved|complete|completed|shipped|released)\b", re.I), ItemStatus.DONE),
    (re.compile(r"\b(progress|doing|review|testing|qa|develop)", re.I), ItemStatus.IN_PROGRESS),
    (re.compile(r"\b(ready|selected|next|to ?do|sprint backlog)\b", re.I), ItemStatus.READY),
]
KIND_WORDS = {
    "epic": ItemKind.EPIC,
    "feature": ItemKind.FEATURE,
    "initiative": ItemKind.EPIC,
    "story": ItemKind.STORY,
    "user story": ItemKind.STORY,
    "bug": ItemKind.BUG,
    "defect": ItemKind.BUG,
    "task": ItemKind.CHORE,
    "sub-task": ItemKind.CHORE,
    "subtask": ItemKind.CHORE,
    "chore": ItemKind.CHORE,
    "improvement": ItemKind.STORY,
    "spike": ItemKind.SPIKE,
    "card": ItemKind.STORY,
}
SPRINT_ACTIONS = ("create", "skip")


def default_status(name: str, category: str = "") -> str:
    if name in ItemStatus.values:
        return name
    if category in CATEGORY_STATUS:
        return CATEGORY_STATUS[category]
    for pattern, status in STATUS_WORDS:
        if pattern.search(name or ""):
            return status
    return ItemStatus.NEW


def default_kind(name: str) -> str:
    if name in ItemKind.values:
        return name
    return KIND_WORDS.get((name or "").strip().lower(), ItemKind.STORY)


def default_person(name: str, members: list[dict]) -> int | None:
    """The member whose email, user name or full name is `name` (case-insensitive), or None."""
    wanted = (name or "").strip().lower()
    if not wanted:
        return None
    for member in members:
        names = {member["email"].lower(), member["username"].lower(), member["full_name"].lower()}
        if wanted in names - {""}:
            return member["id"]
    return None


def default_columns(header: list[str], fields: dict[str, str]) -> dict[str, str]:
    """{column: field} for columns named like a field or its label ("Story points", "story_points")."""
    by_name = {}
    for field, label in fields.items():
        by_name[field.lower()] = field
        by_name[label.lower()] = field
        by_name[label.split(" (")[0].lower()] = field
    found = {}
    for column in header:
        field = by_name.get(column.strip().lower()) or by_name.get(column.strip().lower().replace(" ", "_"))
        if field and field not in found.values():
            found[column] = field
    return found

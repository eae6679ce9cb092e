"""Jira's "CSV (all fields)" export.

Quirks this reader keeps: a multi-value field repeats its header once per value (Labels, Sprint,
Component/s, Comment, Watchers, Attachment…), so columns are read by position, never through a
DictReader, which would keep only the last; the file may start with a byte-order mark; the parent
is named by `Parent` / `Parent id` (the parent's Issue id, resolved once the file is read),
`Parent key`, or the older `Custom field (Epic Link)` (the epic's key); story points are in
`Custom field (Story Points)` (company-managed projects) or `Custom field (Story point estimate)`
(team-managed); `Custom field (Rank)` is a LexoRank string whose order is the backlog's; dates are
in the exporting user's format ("12/Nov/25 3:04 PM"). A comment cell is "date;author id;body".
"""

import csv
import sys
from collections.abc import Iterator
from typing import TextIO

from .markup import wiki_to_markdown
from .records import Comment, SourceError, SourceItem, SprintRef, decimal_or_none, parse_date

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # Jira descriptions exceed the 128 kB default

STORY_POINT_COLUMNS = ("Custom field (Story Points)", "Custom field (Story point estimate)")
CATEGORY_NAMES = {"to do": "new", "in progress": "indeterminate", "done": "done"}


class Columns:
    def __init__(self, header: list[str]):
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        self.positions: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            self.positions.setdefault(name.strip(), []).append(index)
        if "Summary" not in self.positions or not ({"Issue key", "Issue id"} & set(self.positions)):
            raise SourceError(
                "This is not a Jira CSV export: it has no Summary and Issue key columns. "
                "In Jira, export the issue search with Export → CSV (all fields)."
            )

    def all(self, row: list[str], name: str) -> list[str]:
        return [row[i].strip() for i in self.positions.get(name, ()) if i < len(row) and row[i].strip()]

    def first(self, row: list[str], name: str) -> str:
        values = self.all(row, name)
        return values[0] if values else ""


def _comment(cell: str) -> Comment:
    # "12/Nov/25 3:04 PM;557058:f00-account-id;The body; which may itself hold semicolons"
    parts = cell.split(";", 2)
    if len(parts) == 3 and parse_date(parts[0]) is not None:
        return Comment(author=parts[1], created=parts[0], body=wiki_to_markdown(parts[2]))
    return Comment(author="", created="", body=wiki_to_markdown(cell))


def read(stream: TextIO) -> Iterator[SourceItem]:
    """Items of the export, one per row, in file order; `parent` may hold "id:<Issue id>" until resolved."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError("The file is empty.") from None
    except csv.Error as error:
        raise SourceError(f"The file is not a readable CSV: {error}.") from None
    columns = Columns([cell.replace("\x00", "") for cell in header])
    number = 0
    try:
        for row in reader:
            number += 1
            row = [cell.replace("\x00", "") for cell in row]  # PostgreSQL text cannot hold NUL
            if not any(cell.strip() for cell in row):
                continue
            yield _item(columns, row, number)
    except csv.Error as error:
        raise SourceError(f"Row {number + 1} is not readable CSV: {error}.") from None


def _item(columns: Columns, row: list[str], number: int) -> SourceItem:
    key = columns.first(row, "Issue key") or f"id:{columns.first(row, 'Issue id')}"
    item = SourceItem(key=key, row=f"row {number} ({key})", title=columns.first(row, "Summary"))
    item.extra["source_id"] = columns.first(row, "Issue id")
    item.type = columns.first(row, "Issue Type")
    item.status = columns.first(row, "Status")
    category = columns.first(row, "Status Category").lower()
    item.status_category = CATEGORY_NAMES.get(category, category)
    item.description = wiki_to_markdown(columns.first(row, "Description"))
    parent_key = columns.first(row, "Parent key") or columns.first(row, "Custom field (Epic Link)")
    parent_id = columns.first(row, "Parent id") or columns.first(row, "Parent")
    item.parent = parent_key or (f"id:{parent_id}" if parent_id else "")
    for name in STORY_POINT_COLUMNS:
        raw = columns.first(row, name)
        if raw:
            item.story_points = decimal_or_none(raw)
            if item.story_points is None:
                item.warnings.append(f"Story points “{raw}” are not a number; left empty.")
            break
    item.sprints = [SprintRef(name=name) for name in columns.all(row, "Sprint")]
    item.labels = columns.all(row, "Labels")
    item.comments = [_comment(cell) for cell in columns.all(row, "Comment")]
    item.assignee = columns.first(row, "Assignee")
    rank = columns.first(row, "Custom field (Rank)")
    item.order = rank or None
    due = columns.first(row, "Due date") or columns.first(row, "Due Date")
    item.due = parse_date(due)
    if due and item.due is None:
        item.warnings.append(f"The due date “{due}” is not in a format Jira writes; left out.")
    components = columns.all(row, "Component/s")
    if components:
        item.notes.append("Components: " + ", ".join(components))
    attachments = columns.all(row, "Attachment")
    if attachments:
        item.notes.append("Attachments: " + ", ".join(a.split(";")[-1] for a in attachments))
    return item

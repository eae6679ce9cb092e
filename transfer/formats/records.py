"""What every reader yields: one `SourceItem` per source row, card or issue, in PMHub's vocabulary
but with the source's own names for statuses, types, people and sprints (the mapping step turns
those into PMHub's)."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

FORMATS = {
    "jira_csv": "Jira CSV (all fields)",
    "jira_json": "Jira JSON (REST search pages)",
    "trello": "Trello board JSON",
    "csv": "CSV with a column mapping",
    "xlsx": "Excel workbook (XLSX) with a column mapping",
}
SOURCE_SYSTEM = {"jira_csv": "jira", "jira_json": "jira", "trello": "trello", "csv": "table", "xlsx": "table"}


class SourceError(Exception):
    """The file cannot be read as the format it claims to be; the message says what to do."""


@dataclass
class SprintRef:
    name: str
    state: str = ""  # future / active / closed, as the source says
    start: date | None = None
    end: date | None = None


@dataclass
class Comment:
    author: str
    created: str
    body: str


@dataclass
class SourceItem:
    key: str  # the source's key of the object: imported again, the same key updates it
    row: str  # where in the source, for messages a person can find ("row 14", "PAY-12")
    title: str
    type: str = ""  # the source's issue type
    status: str = ""  # the source's status name
    status_category: str = ""  # new / indeterminate / done (Jira's categories), or "" when unknown
    description: str = ""  # Markdown
    parent: str = ""  # the source key of the parent, "" for none
    story_points: Decimal | None = None
    sprints: list[SprintRef] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    criteria: list[tuple[str, bool]] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    assignee: str = ""
    order: object = None  # sorts the items in the source's backlog order (None: file order)
    due: date | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (url, key)
    extra: dict = field(default_factory=dict)  # other fields, by PMHub field name (generic tables)
    custom: dict = field(default_factory=dict)  # custom field values as text, by field key (generic tables)
    notes: list[str] = field(default_factory=list)  # other facts worth keeping in the description
    warnings: list[str] = field(default_factory=list)  # what the reader had to guess


def decimal_or_none(raw) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None


# Jira writes dates in the exporting user's format: "12/Nov/25 3:04 PM" by default, others by setting.
DATE_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%y",
    "%d/%b/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y",
)


def parse_date(raw: str | None) -> date | None:
    """A date from the formats Jira, Trello and spreadsheets write; None when empty or unreadable."""
    if not raw:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", text)
    if iso:
        text = iso.group(1)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None

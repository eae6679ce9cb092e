"""Generic tables: CSV (comma, semicolon or tab, as the header shows; a BOM tolerated) and XLSX (openpyxl's
read-only mode, which streams the sheet's XML instead of loading the workbook). Both yield the
header and then (row number, cells) pairs; the column mapping chosen in the preview says which
column feeds which field."""

import csv
import itertools
import re
import sys
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO, TextIO

from openpyxl import load_workbook

from core.csv import FORMULA_STARTS

from .records import SourceError, SourceItem, SprintRef, decimal_or_none

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
MAX_COLUMNS = 500
_CRITERION = re.compile(r"^\s*(?:[-*]\s*)?\[( |x|X)\]\s*(.+)$")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_rows(stream: TextIO) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of a CSV document, the header first as row 0."""
    first = stream.readline()
    # The header names the delimiter: spreadsheets in comma-decimal locales write ";", some tools tabs.
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    dialect = csv.excel_tab if delimiter == "\t" else csv.excel
    reader = csv.reader(itertools.chain([first], stream), dialect, delimiter=delimiter)
    try:
        for number, row in enumerate(reader):
            if number == 0 and row and row[0].startswith("\ufeff"):
                row[0] = row[0][1:]
            row = [cell.replace("\x00", "") for cell in row]  # PostgreSQL text cannot hold NUL
            if len(row) > MAX_COLUMNS:
                raise SourceError(f"Row {number} has {len(row)} columns; at most {MAX_COLUMNS} are read.")
            yield number, row
    except csv.Error as error:
        raise SourceError(f"The file is not readable CSV: {error}.") from None


def xlsx_rows(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the first sheet of a workbook, the header first as row 0."""
    from_openpyxl = _load(file)
    try:
        sheet = from_openpyxl.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True)):
            cells = [_cell(v).replace("\x00", "") for v in row[:MAX_COLUMNS]]
            while cells and cells[-1] == "":
                cells.pop()
            yield number, cells
    finally:
        from_openpyxl.close()


def _load(file: BinaryIO):
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike for a broken file
        raise SourceError(f"The file is not a readable Excel workbook (.xlsx): {type(error).__name__}.") from None


def criteria_of(cell: str) -> list[tuple[str, bool]]:
    """Acceptance criteria written one a line, "[x] met" or "[ ] open" (a bare line is open)."""
    found = []
    for line in (cell or "").splitlines():
        if not line.strip():
            continue
        match = _CRITERION.match(line)
        found.append((match.group(2).strip(), match.group(1) in "xX") if match else (line.strip(), False))
    return found


def links_of(cell: str) -> list[tuple[str, str]]:
    """External links written one a line, "KEY https://…" or a bare URL."""
    found = []
    for line in (cell or "").splitlines():
        parts = line.split()
        if not parts:
            continue
        url = parts[-1]
        found.append((url, " ".join(parts[:-1])))
    return found


ITEM_FIELDS = {
    "key": "Key (kept to update on a second import)",
    "title": "Title",
    "kind": "Kind",
    "status": "Status",
    "parent": "Parent (its key)",
    "description": "Description",
    "story_points": "Story points",
    "sprint": "Sprint",
    "release": "Release",
    "initiative": "Initiative",
    "owner": "Owner (user name or email)",
    "reach": "Reach",
    "impact": "Impact",
    "confidence": "Confidence",
    "effort": "Effort",
    "moscow": "MoSCoW",
    "business_value": "Business value",
    "time_criticality": "Time criticality",
    "risk_reduction": "Risk reduction",
    "job_size": "Job size",
    "as_a": "As a",
    "i_want": "I want",
    "so_that": "So that",
    "acceptance_criteria": "Acceptance criteria",
    "external_links": "External links",
    "labels": "Labels",
}
# A custom field of items, as the column mapping names it and as the backlog export heads its column.
CUSTOM_FIELD = "cf:{}"
CUSTOM_COLUMN = "Custom: {}"
EXTRA_ITEM_FIELDS = (
    "release", "initiative", "reach", "impact", "confidence", "effort", "moscow", "business_value",
    "time_criticality", "risk_reduction", "job_size", "as_a", "i_want", "so_that",
)  # fmt: skip


def record_of(header: list[str], columns: dict[str, str], number: int, cells: list[str]) -> dict[str, str]:
    """{field: cell} of one row, through the mapping {column header: field} ("" or absent: not read)."""
    record: dict[str, str] = {}
    for index, name in enumerate(header):
        target = columns.get(name)
        if target and index < len(cells):
            value = cells[index].strip() if isinstance(cells[index], str) else _cell(cells[index])
            # A spreadsheet export neutralises formulas with an apostrophe (core/csv.py): undo it on the way in.
            if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
                value = value[1:]
            record[target] = value
    return record


def item_of(record: dict[str, str], number: int) -> SourceItem:
    key = record.get("key") or f"row:{number}"
    item = SourceItem(
        key=key,
        row=f"row {number}" + (f" ({record['key']})" if record.get("key") else ""),
        title=record.get("title", ""),
    )
    item.type = record.get("kind", "")
    item.status = record.get("status", "")
    item.description = record.get("description", "")
    item.parent = record.get("parent", "")
    raw_points = record.get("story_points", "")
    item.story_points = decimal_or_none(raw_points)
    if raw_points and item.story_points is None:
        item.warnings.append(f"Story points “{raw_points}” are not a number; left empty.")
    if record.get("sprint"):
        item.sprints = [SprintRef(name=record["sprint"])]
    item.assignee = record.get("owner", "")
    item.criteria = criteria_of(record.get("acceptance_criteria", ""))
    item.links = links_of(record.get("external_links", ""))
    item.labels = [label.strip() for label in record.get("labels", "").split(",") if label.strip()]
    item.extra = {name: record[name] for name in EXTRA_ITEM_FIELDS if record.get(name, "") != ""}
    item.custom = {name[3:]: value for name, value in record.items() if name.startswith("cf:") and value != ""}
    return item

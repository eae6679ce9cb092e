"""The one XLSX writer of PMHub, beside the CSV writer (core/csv.py) and with its rule: every cell
that a spreadsheet would run as a formula is written as text with a leading apostrophe.

openpyxl's write-only mode streams rows to a temporary file, so a large export does not build the
whole sheet in memory. A string cell is always stored as a string (never as a formula: openpyxl
treats a value starting with "=" as one, which the neutralisation rules out).
"""

import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook

from .csv import neutralise

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAIN_TYPES = (int, float, Decimal, bool, date)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()  # spreadsheets cannot hold a time zone; ISO text keeps it
    if isinstance(value, PLAIN_TYPES):
        return value
    return neutralise(str(value))


def xlsx_write(out, *, sheets: Iterable[tuple[str, list[str], Iterable[Iterable]]]) -> None:
    """Write a workbook of (title, header, rows) sheets to the binary file `out`, every cell neutralised."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([_cell(h) for h in header])
        for row in rows:
            sheet.append([_cell(v) for v in row])
    book.save(out)


def xlsx_bytes(header: list[str], rows: Iterable[Iterable], *, title: str = "Sheet1") -> bytes:
    """A whole XLSX document with one sheet: the header, then the rows, every cell neutralised."""
    buffer = io.BytesIO()
    xlsx_write(buffer, sheets=[(title, header, rows)])
    return buffer.getvalue()

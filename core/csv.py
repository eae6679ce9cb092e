"""The one CSV writer of PMHub: every spreadsheet export goes through it.

Cells that a spreadsheet would run as a formula (user input such as titles starting with
"=", "+", "-", "@", a tab or a carriage return) are written with a leading apostrophe, which
spreadsheets show as text (OWASP's advice on CSV injection).
"""

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """A cell value that no spreadsheet will evaluate; numbers and other non-strings pass unchanged."""
    if isinstance(cell, str) and cell[:1] in FORMULA_STARTS:
        return f"'{cell}"
    return cell


class SafeWriter:
    """`csv.writer` whose rows are neutralised cell by cell."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """A whole CSV document: the header, then the rows, every cell neutralised."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable], *, bom: bool = True) -> Iterator[str]:
    """A CSV document line by line (for a streaming response), every cell neutralised; with a
    byte-order mark first, so spreadsheets read it as UTF-8."""
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff"
    yield writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])

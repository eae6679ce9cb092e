"""Reading a CSV upload into typed rows: all rows or none, one message per bad line.

A small helper any importer can use: declare the columns (name, whether required, a parser that
raises ValueError with a message a person can act on), hand over the text, and get back the parsed
rows with their line numbers, or the list of problems ("Line 4: revenue: enter a number."). The
importer then validates each row against its model (collecting more messages by line) and saves
everything in one transaction only when no line failed.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

IMPORT_ERRORS_MAX = 100  # messages listed; more are summarised


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    parse: Callable[[str], object] = str
    help: str = ""


@dataclass
class Row:
    line: int
    values: dict


def parse_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", "").strip())
    except InvalidOperation:
        raise ValueError("enter a number.") from None
    if not number.is_finite():
        raise ValueError("enter a number.")
    return number


def parse_int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError("enter a whole number.") from None


def parse_list(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def read_rows(text: str, *, columns: list[Column], max_rows: int) -> tuple[list[Row], list[str]]:
    """Parse `text` (CSV with a header row) into rows of typed values; errors name the line."""
    known = {c.name: c for c in columns}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], ["The file is empty: the first line names the columns."]
    except csv.Error as error:
        return [], [f"Line 1: {error}."]
    errors = [f"Line 1: unknown column “{h}” (known: {', '.join(known)})." for h in header if h not in known]
    errors += [f"Line 1: the column “{c.name}” is missing." for c in columns if c.required and c.name not in header]
    if len(set(header)) != len(header):
        errors.append("Line 1: a column is named twice.")
    if errors:
        return [], errors
    rows: list[Row] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= max_rows:
                return [], [f"At most {max_rows} rows in one import; split the file."]
            if len(record) != len(header):
                errors.append(f"Line {line}: {len(record)} cells where the header has {len(header)}.")
                continue
            values = {}
            for name, cell in zip(header, record, strict=True):
                column, cell = known[name], cell.strip()
                if not cell:
                    if column.required:
                        errors.append(f"Line {line}: {name}: this column is required.")
                    continue
                try:
                    values[name] = column.parse(cell)
                except ValueError as error:
                    errors.append(f"Line {line}: {name}: {error}")
            rows.append(Row(line, values))
    except csv.Error as error:
        errors.append(f"Line {reader.line_num}: {error}.")
    return rows, errors


def line_messages(line: int, error: ValidationError) -> list[str]:
    """A model's ValidationError as messages naming the line (and the field, when it has one)."""
    if hasattr(error, "error_dict"):
        return [
            f"Line {line}: {'' if field == '__all__' else field + ': '}{message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [f"Line {line}: {message}" for message in error.messages]


def raise_if_errors(errors: list[str]) -> None:
    """All or nothing: any bad line refuses the whole import, listing (at most IMPORT_ERRORS_MAX) messages."""
    if not errors:
        return
    shown = errors[:IMPORT_ERRORS_MAX]
    if len(errors) > IMPORT_ERRORS_MAX:
        shown.append(f"… and {len(errors) - IMPORT_ERRORS_MAX} more problems.")
    raise ValidationError({"csv": shown})

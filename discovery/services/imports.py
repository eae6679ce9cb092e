"""CSV imports of customers and feedback notes: all rows or none, one message per bad line (core.csv_import)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from core.csv_import import Column, line_messages, parse_decimal, parse_int, parse_list, raise_if_errors, read_rows

from ..models import IMPORT_ROWS_MAX, Customer, CustomerKind, FeedbackNote, NoteSource
from .customers import customer_create, customer_for_email, customer_update
from .notes import notes_create


def _choice(choices):
    def parse(value: str) -> str:
        value = value.strip().lower()
        for key, label in choices:
            if value in (key, label.lower()):
                return key
        raise ValueError(f"one of {', '.join(k for k, _ in choices)}.")

    return parse


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("a date like 2027-03-14.") from None


CUSTOMER_COLUMNS = [
    Column("name", required=True),
    Column("kind", parse=_choice(CustomerKind.choices)),
    Column("email_domain"),
    Column("email"),
    Column("segment"),
    Column("plan"),
    Column("revenue", parse=parse_decimal),
    Column("seats", parse=parse_int),
]

NOTE_COLUMNS = [
    Column("text", required=True),
    Column("title"),
    Column("source", parse=_choice(NoteSource.choices)),
    Column("customer", help="A customer's name in this workspace."),
    Column("email", help="The sender; matched to a customer by email or domain."),
    Column("received_on", parse=_date),
    Column("tags", parse=parse_list),
    Column("link"),
]


@transaction.atomic
def customers_import(*, workspace, text: str, actor) -> list[Customer]:
    """Create customers, or update those of the same name; refused whole if any line is wrong."""
    rows, errors = read_rows(text, columns=CUSTOMER_COLUMNS, max_rows=IMPORT_ROWS_MAX)
    raise_if_errors(errors)
    existing = {
        c.name: c for c in Customer.objects.filter(workspace=workspace, name__in=[r.values["name"] for r in rows])
    }
    seen: set[str] = set()
    for row in rows:
        name = row.values["name"]
        if name in seen:
            errors.append(f"Line {row.line}: name: “{name}” appears twice in the file.")
        seen.add(name)
        candidate = Customer(workspace=workspace, **row.values)
        try:
            candidate.full_clean(exclude=["workspace", "name"] if name in existing else ["workspace"])
        except ValidationError as error:
            errors += line_messages(row.line, error)
    raise_if_errors(errors)
    saved = []
    for row in rows:
        found = existing.get(row.values["name"])
        if found is None:
            saved.append(customer_create(instance=Customer(workspace=workspace, **row.values), actor=actor))
        else:
            saved.append(customer_update(customer=found, data=row.values, actor=actor))
    return saved


@transaction.atomic
def notes_import(*, product, text: str, actor) -> list[FeedbackNote]:
    """Record one note per line; customers are found by name, or by the sender's email (a new person when
    the domain is unknown). Refused whole if any line is wrong."""
    rows, errors = read_rows(text, columns=NOTE_COLUMNS, max_rows=IMPORT_ROWS_MAX)
    raise_if_errors(errors)
    names = {r.values["customer"] for r in rows if "customer" in r.values}
    customers = {c.name: c for c in Customer.objects.filter(workspace_id=product.workspace_id, name__in=names)}
    notes = []
    for row in rows:
        values = dict(row.values)
        name, email = values.pop("customer", None), values.pop("email", None)
        customer = None
        if name is not None:
            customer = customers.get(name)
            if customer is None:
                errors.append(f"Line {row.line}: customer: no customer named “{name}” in this workspace.")
                continue
        note = FeedbackNote(
            product=product, customer=customer, source=values.pop("source", NoteSource.INTERNAL), **values
        )
        try:
            note.full_clean(exclude=["product", "customer"])
        except ValidationError as error:
            errors += line_messages(row.line, error)
        notes.append((note, email))
    raise_if_errors(errors)
    for note, email in notes:
        if note.customer_id is None and email:
            note.customer = customer_for_email(workspace_id=product.workspace_id, address=email, actor=actor)
    return notes_create(notes=[n for n, _ in notes], actor=actor)

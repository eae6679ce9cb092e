"""Feedback that arrives by itself: the signed inbound endpoint and mailbox files (mbox / RFC 822).

The inbound secret is derived from SECRET_KEY and a per-workspace salt and shown once: the database
holds only the salt and a four-character hint, so a copy of it cannot forge a delivery. A sender
signs `"<timestamp>.<raw body>"` with HMAC-SHA256 and sends `X-PMHub-Timestamp` and
`X-PMHub-Signature: sha256=<hex>`; deliveries older than SIGNATURE_MAX_AGE are refused (replays).
"""

import email
import email.policy
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from email.utils import parseaddr, parsedate_to_datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import strip_tags

from core.bounds import TEXT_LONG
from core.services import instance_create, instance_update

from ..models import IMPORT_ROWS_MAX, DiscoverySettings, FeedbackNote, NoteSource
from .customers import customer_for_email
from .notes import notes_create

SIGNATURE_MAX_AGE = 300  # seconds
SECRET_PREFIX = "pmin_"


def inbound_secret_for(salt: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"discovery-inbound:{salt}".encode(), hashlib.sha256).hexdigest()
    return f"{SECRET_PREFIX}{digest}"


@transaction.atomic
def inbound_secret_rotate(*, workspace, actor) -> str:
    """A new inbound secret for the workspace (the old one stops working); returned once, never stored."""
    salt = secrets.token_hex(16)
    secret = inbound_secret_for(salt)
    current = DiscoverySettings.objects.select_for_update().filter(workspace=workspace).first()
    data = {"inbound_secret_salt": salt, "inbound_secret_hint": secret[-4:]}
    if current is None:
        instance_create(instance=DiscoverySettings(workspace=workspace, **data), actor=actor)
    else:
        instance_update(instance=current, data=data)
    return secret


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def inbound_signature_valid(*, workspace_id: int, timestamp: str, signature: str, body: bytes, now=None) -> bool:
    """True when the body was signed with the workspace's current secret within SIGNATURE_MAX_AGE."""
    salt = (
        DiscoverySettings.objects.filter(workspace_id=workspace_id)
        .values_list("inbound_secret_salt", flat=True)
        .first()
    )
    if not salt or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs((now or time.time()) - int(timestamp)) > SIGNATURE_MAX_AGE:
        return False
    expected = signature_for(inbound_secret_for(salt), timestamp, body)
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


@transaction.atomic
def inbound_note_create(*, product, data: dict) -> tuple[FeedbackNote, bool]:
    """A note posted by a support desk or a form; (note, created). The same external id is taken once."""
    external_id = data.get("external_id", "")
    if external_id:
        found = FeedbackNote.objects.filter(product=product, external_id=external_id).first()
        if found is not None:
            return found, False
    customer = None
    if data.get("email"):
        customer = customer_for_email(
            workspace_id=product.workspace_id, address=data["email"], name=data.get("name", ""), actor=None
        )
    note = FeedbackNote(
        product=product,
        customer=customer,
        title=data.get("title", ""),
        text=data["text"],
        source=data.get("source", NoteSource.SUPPORT),
        tags=data.get("tags", []),
        link=data.get("link", ""),
        external_id=external_id,
        received_on=data.get("received_on"),
    )
    return notes_create(notes=[note], actor=None)[0], True


# ---- mailbox files ---------------------------------------------------------------------------------

FROM_LINE = re.compile(r"^From \S", re.MULTILINE)


@dataclass
class Mail:
    sender: str
    name: str
    subject: str
    body: str
    message_id: str
    received_on: object


def split_mbox(text: str) -> list[str]:
    """The messages of an mbox (mboxo/mboxrd "From " separators); a text without one is a single RFC 822 message."""
    text = text.replace("\r\n", "\n")
    starts = [m.start() for m in FROM_LINE.finditer(text)]
    if not starts or starts[0] != 0:
        return [text] if text.strip() else []
    chunks = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    # Drop the "From " envelope line; un-escape ">From " lines of the body (mboxrd).
    return [re.sub(r"^>(>*From )", r"\1", c.split("\n", 1)[1] if "\n" in c else "", flags=re.MULTILINE) for c in chunks]


def parse_mail(raw: str) -> Mail:
    message = email.message_from_string(raw, policy=email.policy.default)
    name, sender = parseaddr(str(message.get("From", "")))
    part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if part is not None:
        try:
            body = part.get_content()
        except (LookupError, UnicodeError):
            body = part.get_payload(decode=True).decode("utf-8", "replace") if part.get_payload(decode=True) else ""
        if part.get_content_type() == "text/html":
            body = strip_tags(body)
    received_on = None
    if message.get("Date"):
        try:
            received_on = parsedate_to_datetime(str(message["Date"])).date()
        except (TypeError, ValueError, IndexError):
            received_on = None
    return Mail(
        sender=sender.lower(),
        name=name,
        subject=str(message.get("Subject", "") or "")[:250],
        body=body.strip()[:TEXT_LONG],
        message_id=str(message.get("Message-ID", "") or "").strip()[:250],
        received_on=received_on,
    )


@transaction.atomic
def mailbox_import(*, product, text: str, actor) -> list[FeedbackNote]:
    """One note per message (source: email), the sender matched to a customer by address or domain;
    messages already taken (same Message-ID) are skipped. All or none."""
    raws = split_mbox(text)
    if len(raws) > IMPORT_ROWS_MAX:
        raise ValidationError({"mbox": f"At most {IMPORT_ROWS_MAX} messages in one mailbox."})
    taken = set(
        FeedbackNote.objects.filter(product=product).exclude(external_id="").values_list("external_id", flat=True)
    )
    notes, errors = [], []
    for number, raw in enumerate(raws, start=1):
        mail = parse_mail(raw)
        if mail.message_id and mail.message_id in taken:
            continue
        if not mail.body and not mail.subject:
            errors.append(f"Message {number}: it has neither a subject nor a text body.")
            continue
        taken.add(mail.message_id)
        customer = None
        if mail.sender:
            customer = customer_for_email(
                workspace_id=product.workspace_id, address=mail.sender, name=mail.name, actor=actor
            )
        notes.append(
            FeedbackNote(
                product=product,
                customer=customer,
                source=NoteSource.EMAIL,
                title=mail.subject,
                text=mail.body or mail.subject,
                external_id=mail.message_id,
                received_on=mail.received_on,
            )
        )
    if errors:
        raise ValidationError({"mbox": errors})
    return notes_create(notes=notes, actor=actor)

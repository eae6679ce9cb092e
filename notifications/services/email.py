"""Notification emails: mentions and assignments at once, the rest in a daily digest; preferences; unsubscribe.

Every email carries a link that unsubscribes without signing in: a signed token (django.core.signing)
naming the user and what to stop. Sending is done by Celery tasks enqueued through the outbox; a task
that runs twice sends nothing twice, since it only mails rows not marked as mailed, and marks them.
"""

import logging
import smtplib

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..models import IMMEDIATE_KINDS, EmailPreference, Notification

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_CHOICES = ("immediate", "digest", "all")
DIGEST_MAX = 100  # notifications listed in one digest; the inbox holds the rest


def unsubscribe_token(*, user_id: int, what: str) -> str:
    return signing.dumps({"u": user_id, "w": what}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """(user id, what to stop) from a token; signing.BadSignature when it was not made here."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or data.get("w") not in UNSUBSCRIBE_CHOICES or not isinstance(data.get("u"), int):
        raise signing.BadSignature("Not an unsubscribe token.")
    return data["u"], data["w"]


def unsubscribe_url(*, user_id: int, what: str) -> str:
    return settings.SITE_URL + reverse(
        "notifications:unsubscribe", kwargs={"token": unsubscribe_token(user_id=user_id, what=what)}
    )


def preference_of(user_id: int) -> EmailPreference:
    return EmailPreference.objects.filter(user_id=user_id).first() or EmailPreference(user_id=user_id)


@transaction.atomic
def email_preference_save(*, user, immediate: bool, digest: bool) -> EmailPreference:
    preference, _ = EmailPreference.objects.update_or_create(
        user=user, defaults={"immediate": immediate, "digest": digest}
    )
    return preference


@transaction.atomic
def email_unsubscribe(*, user_id: int, what: str) -> EmailPreference:
    """Stop one kind of email (or all) for the user the token names."""
    preference, _ = EmailPreference.objects.select_for_update().get_or_create(user_id=user_id)
    if what in ("immediate", "all"):
        preference.immediate = False
    if what in ("digest", "all"):
        preference.digest = False
    preference.save()
    return preference


def _send(*, to: str, subject: str, template: str, context: dict, unsubscribe: str) -> bool:
    context = {**context, "site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe}
    body = render_to_string(template, context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:200],
        body=body,
        to=[to],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        log.exception("A notification email to %s could not be sent", to)
        raise
    return True


def notifications_email_now(*, notification_ids: list[int]) -> int:
    """Mail these notifications (mentions, assignments) at once, to recipients who want that; returns how many.

    Rows already mailed are skipped; rows of recipients who turned immediate mail off wait for the digest.
    """
    rows = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True, kind__in=IMMEDIATE_KINDS)
        .select_related("recipient", "actor", "workspace")
        .order_by("pk")
    )
    sent = 0
    for notification in rows:
        recipient = notification.recipient
        if not recipient.email or not preference_of(recipient.pk).immediate:
            continue
        who = notification.actor.username if notification.actor else "Someone"
        _send(
            to=recipient.email,
            subject=f"{who} {notification.summary}: {notification.title}",
            template="notifications/emails/immediate.txt",
            context={"notification": notification, "who": who},
            unsubscribe=unsubscribe_url(user_id=recipient.pk, what="immediate"),
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def digest_recipient_ids() -> list[int]:
    """Users with notifications no email has carried yet."""
    return list(
        Notification.objects.filter(emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )


def notifications_digest_send(*, user_id: int) -> int:
    """Mail one user the digest of what no email carried yet, and mark it carried; returns how many were listed.

    A user who turned the digest off gets nothing, and the rows are marked all the same (the inbox still
    has them), so that they do not pile up for a later digest.
    """
    unmailed = Notification.objects.filter(recipient_id=user_id, emailed_at__isnull=True)
    rows = list(unmailed.select_related("actor", "recipient", "workspace").order_by("-created_at")[:DIGEST_MAX])
    if not rows:
        return 0
    recipient = rows[0].recipient
    total = unmailed.count()
    cutoff = rows[0].created_at
    if recipient.email and preference_of(user_id).digest:
        _send(
            to=recipient.email,
            subject=f"PMHub: {total} update{'s' if total != 1 else ''} on what you watch",
            template="notifications/emails/digest.txt",
            context={"rows": rows, "total": total, "more": total - len(rows), "user": recipient},
            unsubscribe=unsubscribe_url(user_id=user_id, what="digest"),
        )
    unmailed.filter(created_at__lte=cutoff).update(emailed_at=timezone.now())
    return len(rows)

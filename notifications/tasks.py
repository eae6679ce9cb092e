"""Celery tasks of notifications: thin wrappers around the email and stakeholder services.

The beat entry points enqueue one task per user or product through the outbox, so a digest that
fails for one recipient is retried alone.
"""

import smtplib

from celery import shared_task
from django.db import OperationalError, transaction

from core.outbox import enqueue

from .services import email, stakeholders

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, smtplib.SMTPException, OSError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def notifications_email_now(*, notification_ids: list[int]) -> int:
    return email.notifications_email_now(notification_ids=notification_ids)


@shared_task(**RETRY)
def notifications_digest_send(*, user_id: int) -> int:
    return email.notifications_digest_send(user_id=user_id)


@shared_task(**RETRY)
def notifications_daily_digest() -> int:
    """Beat entry point: one digest task per user with notifications no email carried yet."""
    user_ids = email.digest_recipient_ids()
    with transaction.atomic():
        for user_id in user_ids:
            enqueue("notifications.tasks.notifications_digest_send", user_id=user_id)
    return len(user_ids)


@shared_task(**RETRY)
def stakeholder_confirm_send(*, subscription_id: int) -> bool:
    return stakeholders.stakeholder_confirm_send(subscription_id=subscription_id)


@shared_task(**RETRY)
def stakeholder_update_send(*, product_id: int) -> int:
    return stakeholders.stakeholder_update_send(product_id=product_id)


@shared_task(**RETRY)
def stakeholder_updates_weekly() -> int:
    """Beat entry point: one update task per product that has confirmed subscribers."""
    product_ids = stakeholders.stakeholder_product_ids()
    with transaction.atomic():
        for product_id in product_ids:
            enqueue("notifications.tasks.stakeholder_update_send", product_id=product_id)
    return len(product_ids)

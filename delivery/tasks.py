"""Celery tasks of the delivery app: thin wrappers around its services."""

from celery import shared_task
from django.db import OperationalError

from .services.outcomes import outcome_reviews_mark_due


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def outcome_reviews_due() -> int:
    """Mark the outcome reviews whose day has come as due (beat runs it daily; idempotent)."""
    return outcome_reviews_mark_due()

"""Celery tasks of collaboration: thin wrappers around its services."""

from celery import shared_task
from django.db import OperationalError

from .services.trash import trash_purge


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def trash_purge_old() -> int:
    """Delete for good what has been in the trash for more than 30 days (idempotent); beat runs it hourly."""
    return trash_purge()

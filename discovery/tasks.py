"""Thin Celery wrappers around discovery's services (enqueued through the outbox)."""

from datetime import date

from celery import shared_task
from django.db import OperationalError

from .services import analysis, themes


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notes_analyse(*, note_ids: list[int]) -> int:
    return analysis.notes_analyse(note_ids=note_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def themes_compute(*, product_id: int, start: str, end: str) -> bool:
    done, _ = themes.themes_compute(product_id=product_id, start=date.fromisoformat(start), end=date.fromisoformat(end))
    return done

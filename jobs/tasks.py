"""Celery tasks of the jobs app: the sweeper that recovers jobs whose worker went silent."""

from celery import shared_task
from django.db import OperationalError

from .services import jobs_recover_stale


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def jobs_sweep_stale() -> dict[str, int]:
    return jobs_recover_stale()

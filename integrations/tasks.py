from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from .delivery import DeliveryFailed, delivery_attempt


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver(self, *, delivery_id: int) -> str | None:
    """Send one webhook delivery; retry with exponential backoff while the receiver fails."""
    try:
        delivery = delivery_attempt(delivery_id=delivery_id)
    except DeliveryFailed as error:
        base = getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 30)
        raise self.retry(countdown=base * 2**self.request.retries, exc=error) from error
    except OperationalError as error:
        raise self.retry(countdown=5, exc=error) from error
    return None if delivery is None else delivery.status

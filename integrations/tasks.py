from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from .delivery import DeliveryFailed, delivery_attempt


def retry_delay(retries: int) -> int:
    """Exponential backoff, capped below the broker's visibility timeout: a worker holds a delayed
    retry unacknowledged until it is due, and a longer wait would let Redis hand it to a second worker."""
    base = getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 30)
    return min(base * 2 ** min(retries, 30), settings.WEBHOOK_RETRY_MAX_SECONDS)


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver(self, *, delivery_id: int) -> str | None:
    """Send one webhook delivery; retry with exponential backoff while the receiver fails."""
    try:
        delivery = delivery_attempt(delivery_id=delivery_id)
    except DeliveryFailed as error:
        raise self.retry(countdown=retry_delay(self.request.retries), exc=error) from error
    except OperationalError as error:
        raise self.retry(countdown=5, exc=error) from error
    return None if delivery is None else delivery.status

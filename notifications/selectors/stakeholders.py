"""Reads of stakeholder subscriptions."""

from ..models import StakeholderSubscription


def is_subscribed(*, user, product) -> bool:
    return StakeholderSubscription.objects.filter(product=product, user=user).exists()

"""Numbers as people read them, through Django's localisation (pmhub/formats/): money with its currency."""

from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format


def money(value) -> str:
    """EUR 1,200,000 (cents only when there are some); "—" for no amount."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{settings.PMHUB_CURRENCY} {number_format(amount, decimal_pos=places, force_grouping=True)}"


def grouped(value) -> str:
    """A large number with thousands grouped (1,200,000)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=places, force_grouping=True)

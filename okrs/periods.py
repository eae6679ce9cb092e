"""Periods of objectives ("2027", "2027-H1", "2027-Q1"): their format, bounds and elapsed share. Pure date maths."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import RegexValidator

from .progress import ONE, PROGRESS_PLACES, ZERO

period_validator = RegexValidator(
    r"^\d{4}(-Q[1-4]|-H[12])?$", "Use a year (2027), a half (2027-H1) or a quarter (2027-Q1)."
)


def period_bounds(period: str) -> tuple[date, date]:
    """First day of the period and the first day after it: 2027-Q1 → (2027-01-01, 2027-04-01)."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year + 1, 1, 1)
    kind, number = period[5], int(period[6])
    months = 3 if kind == "Q" else 6
    first_month = (number - 1) * months + 1
    start = date(year, first_month, 1)
    end_month = first_month + months
    end = date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)
    return start, end


def period_of(day: date) -> str:
    """The quarter a day falls in: 2027-02-10 → 2027-Q1."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def expected_progress(period: str, today: date) -> Decimal:
    """The share of the period elapsed at the end of `today`: 0 before it starts, 1 once it is over."""
    start, end = period_bounds(period)
    elapsed = (today + timedelta(days=1) - start).days
    share = Decimal(elapsed) / Decimal((end - start).days)
    return max(ZERO, min(ONE, share)).quantize(PROGRESS_PLACES, rounding=ROUND_HALF_UP)

"""One number and date format: money with its currency and grouped thousands, dates as 1 Mar 2027."""

from datetime import date
from decimal import Decimal

from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from core.formatting import money


def test_money_reads_as_an_amount_in_its_currency(settings):
    settings.PMHUB_CURRENCY = "EUR"
    assert money(Decimal("1200000.00")) == "EUR 1,200,000"
    assert money(Decimal("1234.5")) == "EUR 1,234.50"
    assert money(None) == "—"


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_money_keeps_the_value(amount):
    shown = money(amount).removeprefix("EUR ").replace(",", "")
    assert Decimal(shown) == amount


def test_dates_have_one_format():
    rendered = Template('{{ day }} · {{ day|date:"DATE_FORMAT" }}').render(Context({"day": date(2027, 3, 1)}))
    assert rendered == "1 Mar 2027 · 1 Mar 2027"

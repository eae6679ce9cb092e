"""Trend charts of KPIs and key results: points placed as a plain-Python twin places them, bounded,
dates through Django's localisation, an accessible name and a data table, an empty state."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from fractions import Fraction

from django.urls import reverse
from django.utils import formats
from hypothesis import given
from hypothesis import strategies as st

from okrs.models import Measurement
from okrs.selectors.trend import key_result_trend, kpi_trend, trend_chart
from tests import factories as f

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def twin(values, start, target, left=64, right=696, top=16, bottom=244):
    """Where each point belongs, computed with exact fractions: time across, value up."""
    numbers = [v for _, v in values] + [v for v in (start, target) if v is not None]
    low, high = Fraction(min(numbers)), Fraction(max(numbers))
    first, last = values[0][0], values[-1][0]
    span = Fraction((last - first).total_seconds())
    out = []
    for at, value in values:
        across = Fraction((at - first).total_seconds()) / span if span else Fraction(1, 2)
        up = (Fraction(value) - low) / (high - low) if high > low else Fraction(1, 2)
        out.append((float(left + across * (right - left)), float(bottom - up * (bottom - top))))
    return out


decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


@given(
    st.lists(st.tuples(st.integers(0, 400 * 24), decimals), min_size=1, max_size=40),
    st.one_of(st.none(), decimals),
    st.one_of(st.none(), decimals),
)
def test_points_are_where_the_twin_puts_them_and_inside_the_axes(readings, start, target):
    values = [(T0 + timedelta(hours=h), v) for h, v in sorted(readings, key=lambda r: r[0])]
    trend = trend_chart(values, start=start, target=target)
    expected = twin(values, start, target)
    assert len(trend.points) == len(values)
    for point, (x, y) in zip(trend.points, expected, strict=True):
        assert abs(point.x - x) <= 0.06 and abs(point.y - y) <= 0.06
        assert trend.left <= point.x <= trend.right and trend.top <= point.y <= trend.bottom
    if target is not None:
        assert trend.top <= trend.target_y <= trend.bottom
    xs = [p.x for p in trend.points]
    assert xs == sorted(xs)


def test_no_data_is_an_empty_chart():
    trend = trend_chart([], start=D("1"), target=D("2"))
    assert trend.points == [] and trend.y_ticks == [] and trend.line == ""


def test_only_the_latest_values_are_drawn_and_the_older_ones_counted(db):
    kpi = f.KPIFactory()
    for day in range(7):
        f.MeasurementFactory(kpi=kpi, value=D(day), measured_at=T0 + timedelta(days=day))
    trend = kpi_trend(kpi=kpi, limit=3)
    assert [p.value for p in trend.points] == [D(4), D(5), D(6)] and trend.hidden == 4


def test_a_key_result_tracking_a_kpi_draws_the_kpis_measurements_else_its_check_ins(db):
    product = f.ProductFactory()
    kpi = f.KPIFactory(product=product)
    objective = f.ObjectiveFactory(workspace=product.workspace)
    tracking = f.KeyResultFactory(objective=objective, kpi=kpi, start_value=D("10"), target_value=D("30"))
    own = f.KeyResultFactory(objective=objective)
    f.MeasurementFactory(kpi=kpi, value=D("12"), measured_at=T0)
    f.MeasurementFactory(kpi=kpi, value=D("18"), measured_at=T0 + timedelta(days=7))
    Measurement.objects.create(key_result=own, value=D("55"), measured_at=T0)

    assert [p.value for p in key_result_trend(key_result=tracking).points] == [D("12"), D("18")]
    assert [p.value for p in key_result_trend(key_result=own).points] == [D("55")]
    on_kpi = kpi_trend(kpi=kpi)
    assert (on_kpi.start, on_kpi.target, on_kpi.target_of) == (D("10"), D("30"), tracking.title)


def test_the_pages_show_the_chart_with_a_name_dates_and_a_data_table(world, django_assert_max_num_queries):
    kpi = f.KPIFactory(product=world.product, name="Weekly payers", unit="users")
    for day in range(80):
        f.MeasurementFactory(kpi=kpi, value=D(100 + day), measured_at=T0 + timedelta(days=day))
    objective = f.ObjectiveFactory(workspace=world.workspace, product=world.product)
    key_result = f.KeyResultFactory(objective=objective, kpi=kpi, title="Grow payers", target_value=D("250"))
    client = world.client("viewer")

    kpi_url = reverse("okrs:kpi_detail", kwargs={"product_id": world.product.pk, "pk": kpi.pk})
    with django_assert_max_num_queries(30):
        html = client.get(kpi_url).content.decode()
    kr_html = client.get(
        reverse("okrs:key_result_detail", kwargs={"workspace_id": world.workspace.pk, "pk": key_result.pk})
    ).content.decode()

    for page in (html, kr_html):
        svg = page[page.index('<figure class="trend">') : page.index("</figure>")]
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert svg.count('class="trend-dot"') == 60  # bounded: the latest 60 of 80
        assert 'class="target-line"' in svg and "target 250" in svg
        assert formats.date_format(T0 + timedelta(days=79), "SHORT_DATE_FORMAT") in svg  # localised dates
        assert "20 older ones are not" in svg
        assert "The chart's data" in page


def test_the_pages_say_so_when_there_is_nothing_to_draw(world):
    kpi = f.KPIFactory(product=world.product)
    objective = f.ObjectiveFactory(workspace=world.workspace)
    key_result = f.KeyResultFactory(objective=objective)
    client = world.client("viewer")
    html = client.get(reverse("okrs:kpi_detail", kwargs={"product_id": world.product.pk, "pk": kpi.pk})).content
    kr = client.get(reverse("okrs:key_result_detail", kwargs={"workspace_id": world.workspace.pk, "pk": key_result.pk}))
    assert b"No values yet: the chart appears with the first measurement." in html and b"<svg" not in html
    assert b"the chart appears with the first check-in" in kr.content


def test_another_workspaces_kpi_is_not_found(world):
    theirs = f.KPIFactory(product=world.other_product)
    f.MeasurementFactory(kpi=theirs)
    url = reverse("okrs:kpi_detail", kwargs={"product_id": world.other_product.pk, "pk": theirs.pk})
    assert world.client("admin").get(url).status_code == 404

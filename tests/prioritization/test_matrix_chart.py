"""The value-vs-effort chart: plain quadrant names, keyed dots that link to their items, bounded."""

import re
from decimal import Decimal as D

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from prioritization.selectors import matrix
from prioritization.selectors.matrix import (
    ChartDot,
    MatrixPoint,
    _label_box,
    _overlaps,
    matrix_svg_points,
    place_labels,
)
from tests import factories as f


def placed_items(product, count: int) -> list:
    return [
        f.BacklogItemFactory(
            product=product, reach=100 * n, impact=D("1"), confidence=100, effort=D(n % 5 + 1), rice_score=D(n)
        )
        for n in range(1, count + 1)
    ]


def test_the_chart_names_quadrants_in_plain_words_and_links_each_dot_to_its_item(world):
    items = placed_items(world.product, 6)
    html = world.client("viewer").get(f"/products/{world.product.pk}/priorities/matrix/").content.decode()

    for name in ("Quick wins", "Big bets", "Fill-ins", "Time sinks"):
        assert name in html
    assert not re.search(r"Quickwin|Bigbet|Fillin|Timesink", html)
    svg = html[html.index("<svg") : html.index("</svg>")]
    for item in items:
        link = f'<a class="dot" href="{reverse("backlog:item_detail", args=[world.product.pk, item.pk])}">'
        assert link in svg
        assert f"<title>{item.key} {item.title}:" in svg  # the hover and focus details
        assert f">{item.key}</text>" in svg  # room for every key among six dots
    assert "Effort (person-months, log scale)" in svg and "Value: reach × impact × confidence" in svg


def test_the_chart_draws_at_most_the_best_dots_and_says_how_many_are_not_drawn(world):
    items = placed_items(world.product, 8)
    svg = matrix_svg_points(matrix(product=world.product), dots=3)
    assert [d.point.id for d in svg["dots"]] == [i.pk for i in reversed(items)][:3]  # the best by RICE
    assert (svg["placed"], svg["hidden"]) == (8, 5)


points = st.lists(
    st.tuples(st.floats(min_value=80, max_value=920), st.floats(min_value=40, max_value=520), st.integers(1, 99999)),
    max_size=60,
)


@given(points)
def test_keys_never_overlap_and_stay_inside_the_chart(dots):
    chart = [
        ChartDot(MatrixPoint(n, f"PAY-{number}", "t", D(1), D(1), "quick_win"), x, y)
        for n, (x, y, number) in enumerate(dots)
    ]
    bounds = (80, 40, 956, 540)
    placed = [d for d in place_labels(chart, bounds=bounds) if d.label_x is not None]
    boxes = [_label_box(d.label_x, d.label_y, d.anchor, d.point.key) for d in placed]
    for i, box in enumerate(boxes):
        assert bounds[0] <= box[0] and box[2] <= bounds[2] and bounds[1] <= box[1] and box[3] <= bounds[3]
        assert not any(_overlaps(box, other) for other in boxes[i + 1 :])
    if chart:
        assert chart[0].label_x is not None or chart[0].x > 900 or chart[0].y < 60 or chart[0].y > 520

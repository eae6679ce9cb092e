"""The backlog row written in Python ({% item_row %}) against the template it replaced, value for value.

The reference (item_row_reference.html, beside this file) is the row template as it stood: it was
backlog/_partials/item_row.html until the row moved to backlog/templatetags/backlog_rows.py for
speed. Hypothesis draws items (any kind, status, scores, MoSCoW, custom values, child and criteria
counts, text with markup in it), columns in any order and the viewer's rights; both must write the
same HTML, up to the blank lines the template's tags left. No database: the items are built in
memory, as a page's rows are after their query.
"""

import re
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog.models import BacklogItem, ItemKind, ItemStatus, MoSCoW, Sprint
from backlog.templatetags.backlog_rows import item_row_html
from backlog.views.listing import ROW_LINKS
from products.models import Product

REFERENCE = Template((Path(__file__).parent / "item_row_reference.html").read_text())
COLUMNS = ["kind", "status", "points", "rice", "wsjf", "impact", "moscow", "sprint", "owner", "criteria", "cf_tier"]
TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'é—")), max_size=12)
IMPACT = st.integers(0, 50).map(Decimal) | st.decimals(min_value=0, max_value=Decimal("999.999"), places=3)
SCORES = st.none() | st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2, allow_nan=False)


def _normalised(html: str) -> str:
    return re.sub(r"\n\s*", "\n", html).strip()


@st.composite
def rows(draw):
    product = Product(pk=1, key=draw(st.sampled_from(["PAY", "A&B"])))
    item = BacklogItem(
        pk=draw(st.integers(1, 10**6)),
        product=product,
        number=draw(st.integers(1, 10**5)),
        version=draw(st.integers(1, 50)),
        kind=draw(st.sampled_from(ItemKind.values)),
        status=draw(st.sampled_from(ItemStatus.values)),
        title=draw(TEXT),
        story_points=draw(st.none() | st.integers(0, 100)),
        rice_score=draw(SCORES),
        wsjf_score=draw(SCORES),
        moscow=draw(st.sampled_from(["", *MoSCoW.values])),
        rejection_reason=draw(TEXT),
        evidence_count=draw(st.integers(0, 3)),
        customer_impact=draw(IMPACT),
        custom_fields=draw(
            st.sampled_from([{}, {"tier": ""}, {"tier": "Gold <1>"}, {"tier": ["a", "b&c"]}, {"tier": 3}])
        ),
    )
    parent = draw(st.none() | st.integers(1, 999))
    if parent is not None:
        item.parent = BacklogItem(pk=10**7, number=parent, product=product)
    item.parent_number = parent
    sprint = draw(st.none() | TEXT)
    item.sprint = Sprint(pk=5, name=sprint) if sprint is not None else None
    item.sprint_name = sprint
    owner = draw(st.none() | TEXT)
    item.owner = get_user_model()(pk=7, username=owner) if owner is not None else None
    item.owner_username = owner
    item.child_count = draw(st.integers(0, 3))
    item.criteria_count = draw(st.integers(0, 3))
    item.criteria_met = draw(st.integers(0, item.criteria_count))
    row = {"obj": item, **{name: f"/p/1/items/{item.pk}/{name}?a=1&b=2" for name in ROW_LINKS}}
    cols = draw(st.lists(st.sampled_from(COLUMNS), unique=True))
    rights = {"can_edit": draw(st.booleans()), "can_rank": draw(st.booleans()), "saved_now": draw(st.booleans())}
    return row, product, cols, rights


@settings(max_examples=300, deadline=None)
@given(rows(), st.sampled_from(["", "kind,status", "a&b<c>"]))
def test_the_python_row_writes_what_the_template_wrote(drawn, cols_param):
    row, product, cols, rights = drawn
    reference = REFERENCE.render(
        Context({"row": row, "product": product, "cols": cols, "cols_param": cols_param, **rights})
    )
    written = item_row_html(row, product=product, cols=cols, cols_param=cols_param, **rights)
    assert _normalised(written) == _normalised(reference)


PLAN_REFERENCE = Template((Path(__file__).parent / "plan_card_reference.html").read_text())
PLAN_CARDS = Template("{% load backlog_rows %}{% plan_cards items where %}")


@settings(max_examples=200, deadline=None)
@given(
    rows(),
    st.sampled_from(["backlog", "sprint"]),
    TEXT,
    st.sampled_from(["", "NOTPROVIDED", "tok<en>&1"]),
    st.booleans(),
)
def test_the_python_plan_card_writes_what_the_template_wrote(drawn, where, sprint_name, token, can_plan):
    row, product, _, _ = drawn
    context = {
        "product": product,
        "sprint": Sprint(pk=11, name=sprint_name),
        "can_plan": can_plan,
        "csrf_token": token,
        "where": where,
    }
    reference = PLAN_REFERENCE.render(Context({**context, "item": row["obj"]}))
    written = PLAN_CARDS.render(Context({**context, "items": [row["obj"]]}))
    assert _normalised(written) == _normalised(reference)

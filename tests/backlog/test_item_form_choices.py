"""The item form's initiative, release, sprint and owner lists: Django's <select> exactly (labels escaped,
the chosen one selected), written without a template per option, each read in one query, and only the
product's own choices."""

import re

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog.forms import ItemForm
from products.selectors import product_access
from tests import factories as f


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def test_the_initiative_list_is_djangos_select_and_reads_once(world):
    mine = [f.InitiativeFactory(product=world.product, title=t) for t in ("Pay <fast> & \"safe\" 'now'", "Refunds")]
    f.InitiativeFactory(product=world.other_product, title="Rival plan")
    item = f.BacklogItemFactory(product=world.product, initiative=mine[1])
    access = product_access(user=world.users["admin"], product_id=world.product.pk)
    form = ItemForm(access=access, instance=item)
    for name in ("initiative", "release", "sprint", "owner"):
        bound = form[name]
        plain = forms.Select(attrs=form.fields[name].widget.attrs)
        plain.choices = form.fields[name].choices
        expected = plain.render(bound.html_name, bound.value(), attrs={"id": bound.auto_id})
        assert _squash(bound.as_widget()) == _squash(expected), name
    fresh = ItemForm(access=access, instance=item)
    with CaptureQueriesContext(connection) as queries:
        html = str(fresh["initiative"])
    assert len(queries) == 1 and "DECLARE" not in queries[0]["sql"]  # one plain query, no server-side cursor
    assert "Pay &lt;fast&gt; &amp; &quot;safe&quot; &#x27;now&#x27;" in html
    assert f'<option value="{mine[1].pk}" selected>Refunds</option>' in html
    assert "Rival plan" not in html

"""QuickSelect against Django's Select: the same HTML for any choices, value and attributes.

Scoped forms and filters give every plain model <select> the QuickSelect widget (core.forms.quicken),
so a page lists hundreds of choices without a template per option; it must write what Django's
template would. Hypothesis draws the choices (markup in values and labels), the chosen value, and
attributes (True, False, quotes); the outputs are compared up to the whitespace between tags.
"""

import re

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from core.forms import QuickSelect, quicken
from roadmap.models import Theme
from tests import factories as f

TEXT = st.text(alphabet=st.sampled_from(list("ab1 <>&\"'é")), max_size=8)
ATTRS = st.dictionaries(
    st.sampled_from(["id", "class", "required", "disabled", "data-x", "aria-label"]),
    st.booleans() | TEXT,
    max_size=4,
)


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 50).map(str) | TEXT, TEXT), max_size=6),
    st.none() | st.integers(0, 50).map(str) | TEXT,
    ATTRS,
    st.sampled_from(["theme", "a<b"]),
)
def test_quick_select_writes_what_django_select_writes(choices, value, attrs, name):
    django_select, quick = forms.Select(attrs=attrs), QuickSelect(attrs=attrs)
    django_select.choices = quick.choices = [("", "Any"), *choices]
    assert _normalised(quick.render(name, value)) == _normalised(django_select.render(name, value))


@pytest.mark.django_db
def test_quicken_keeps_the_fields_choices_required_and_html(world):
    themes = [f.ThemeFactory(product=world.product, name=name) for name in ("Growth & <retention>", "Speed")]
    plain = forms.ModelChoiceField(queryset=Theme.objects.order_by("name"), empty_label="Any theme")
    quick = forms.ModelChoiceField(queryset=Theme.objects.order_by("name"), empty_label="Any theme")
    quicken(quick)
    assert isinstance(quick.widget, QuickSelect) and quick.widget.is_required
    assert _normalised(quick.widget.render("theme", themes[1].pk)) == _normalised(
        plain.widget.render("theme", themes[1].pk)
    )
    assert quick.clean(str(themes[0].pk)) == themes[0]


@pytest.mark.django_db
def test_scoped_filters_and_forms_write_their_relations_quickly_and_only_their_workspaces(world):
    """ItemFilter builds its form again after adding the product's filters: the rebuilt form is scoped
    and quick too (workspaces.filters.ScopedFilterSet.form), as is every scoped model form."""
    from backlog.filters import ItemFilter
    from backlog.forms import ItemForm
    from backlog.models import BacklogItem
    from products.selectors import product_access

    ours = f.InitiativeFactory(product=world.product, title="Ours")
    theirs = f.InitiativeFactory(product=world.other_product, title="Theirs")
    access = product_access(user=world.users["admin"], product_id=world.product.pk)
    filter_field = ItemFilter({}, queryset=BacklogItem.objects.none(), access=access).form.fields["initiative"]
    form_field = ItemForm(access=access, instance=BacklogItem(product=world.product)).fields["initiative"]
    for field in (filter_field, form_field):
        assert isinstance(field.widget, QuickSelect)
        html = field.widget.render("initiative", None)
        assert f'value="{ours.pk}"' in html and f'value="{theirs.pk}"' not in html

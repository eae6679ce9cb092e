"""core.links.pk_url: the same URLs as reverse(), one reverse per page."""

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.links import _MARKER, pk_url

ids = st.integers(min_value=1, max_value=2**63 - 1)


@given(product_id=ids, pk=ids)
def test_pk_url_is_reverse_for_every_key(product_id, pk):
    for view in ("backlog:item_detail", "backlog:item_move", "backlog:item_props", "backlog:item_inline"):
        make = pk_url(view, {"product_id": product_id})
        assert make(pk) == reverse(view, kwargs={"product_id": product_id, "pk": pk})


def test_a_scope_equal_to_the_marker_does_not_confuse_it():
    make = pk_url("backlog:item_detail", {"product_id": _MARKER})
    assert make(7) == reverse("backlog:item_detail", kwargs={"product_id": _MARKER, "pk": 7})


def test_workspace_scoped_pattern():
    make = pk_url("okrs:objective_detail", {"workspace_id": 3})
    assert make(42) == reverse("okrs:objective_detail", kwargs={"workspace_id": 3, "pk": 42})

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


def test_the_template_tag_gives_what_url_gives_under_a_script_prefix():
    """`{% pk_url %}` caches the reversed pattern per scope and script prefix: an app served under a
    sub-path links under it, and a second scope is not given the first one's links."""
    from django.template import Context, Template
    from django.urls import set_script_prefix

    tag = Template("{% load links %}{% pk_url 'backlog:item_detail' pk product_id=p %}")
    url = Template("{% url 'backlog:item_detail' product_id=p pk=pk %}")
    try:
        for prefix in ("/", "/pmhub/", "/"):
            set_script_prefix(prefix)
            for p, pk in ((1, 2), (3, 4), (1, 5)):
                context = Context({"p": p, "pk": pk})
                assert tag.render(context) == url.render(context)
        set_script_prefix("/pmhub/")
        assert tag.render(Context({"p": 9, "pk": 8})) == "/pmhub/products/9/items/8/"
    finally:
        set_script_prefix("/")

"""The set-based services importers use: reorder and parent links, checked against plain-Python twins."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backlog.models import BacklogItem
from backlog.services.bulk import items_parents_set, items_reorder
from core.exceptions import ApplicationError
from tests import factories as f

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _backlog(size: int, product=None):
    product = product or f.ProductFactory()
    items = [
        BacklogItem(product=product, title=f"I{n}", number=n, rank=n * 1024 + (n % 3) * 7) for n in range(1, size + 1)
    ]
    return product, [i.pk for i in BacklogItem.objects.bulk_create(items)]


def _order(product) -> list[int]:
    return list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("pk", flat=True))


def reorder_twin(current: list[int], wanted: list[int]) -> list[int]:
    """The wanted items take the places the wanted items held, in the wanted order; the others stay put."""
    chosen = set(wanted)
    queue = iter(wanted)
    return [next(queue) if pk in chosen else pk for pk in current]


@FAST
@given(data=st.data(), size=st.integers(min_value=1, max_value=12))
def test_reorder_matches_its_twin(db, data, size):
    product, ids = _backlog(size)
    before = _order(product)
    wanted = data.draw(st.permutations(ids).flatmap(lambda p: st.integers(0, len(p)).map(lambda n: p[:n])))

    items_reorder(product=product, ordered_ids=wanted)

    assert _order(product) == reorder_twin(before, wanted)
    assert BacklogItem.objects.filter(product=product).values("rank").distinct().count() == size


def has_cycle_twin(tree: dict[int, int | None]) -> bool:
    for start in tree:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                return True
            seen.add(node)
            node = tree[node]
    return False


@FAST
@given(data=st.data(), size=st.integers(min_value=1, max_value=8))
def test_parent_links_refuse_exactly_the_cycles(db, data, size):
    product, ids = _backlog(size)
    links = data.draw(st.dictionaries(st.sampled_from(ids), st.one_of(st.none(), st.sampled_from(ids)), max_size=size))

    tree = {pk: None for pk in ids} | links
    if has_cycle_twin(tree):
        with pytest.raises(ApplicationError):
            items_parents_set(product=product, parents=links, actor=None)
        assert set(BacklogItem.objects.filter(product=product).values_list("parent_id", flat=True)) == {None}
    else:
        items_parents_set(product=product, parents=links, actor=None)
        stored = dict(BacklogItem.objects.filter(product=product).values_list("pk", "parent_id"))
        assert stored == tree


def test_a_large_reorder_is_one_statement_whatever_the_size(db, django_assert_max_num_queries):
    """6,000 items reversed: ranks pass through each other, so the update must be one statement."""
    product, ids = _backlog(6000)

    with django_assert_max_num_queries(5):  # savepoint and its release, product lock, ranks read, the update
        items_reorder(product=product, ordered_ids=list(reversed(ids)))

    assert _order(product) == list(reversed(ids))


def test_parents_from_another_product_are_refused(db):
    product, ids = _backlog(2)
    _, theirs = _backlog(1)
    with pytest.raises(ApplicationError):
        items_parents_set(product=product, parents={ids[0]: theirs[0]}, actor=None)

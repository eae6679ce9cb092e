"""Dependencies (this waits for that): a self-dependency and a loop are refused on every path."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from backlog.models import ItemDependency
from backlog.selectors.dependencies import schedule_conflict
from backlog.services.dependencies import item_dependencies_set, item_dependency_add
from core.dependencies import cycle_path
from roadmap.models import Initiative
from tests import factories as f


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _chain(world, n=3):
    items = [f.BacklogItemFactory(product=world.product, title=f"Step {i}") for i in range(n)]
    for waiter, waited in zip(items[1:], items[:-1], strict=True):
        item_dependency_add(item=waiter, depends_on=waited, actor=None)
    return items  # items[i] waits for items[i - 1]


def test_the_service_refuses_self_and_loops(world):
    a, b, c = _chain(world)
    with pytest.raises(ValidationError, match="cannot wait for itself"):
        item_dependency_add(item=a, depends_on=a, actor=None)
    with pytest.raises(ValidationError, match=f"loop: {a.key} → {c.key} → {b.key} → {a.key}"):
        item_dependency_add(item=a, depends_on=c, actor=None)
    with pytest.raises(ValidationError, match="loop"):
        item_dependencies_set(item=a, depends_on=[c], actor=None)  # the bulk and import path
    assert ItemDependency.objects.count() == 2


def test_the_api_refuses_loops_in_create_and_set(world):
    a, b, c = _chain(world)
    client = _api(world.users["contributor"])
    response = client.post("/api/v1/item-dependencies/", {"item": a.pk, "depends_on": c.pk}, format="json")
    assert response.status_code == 400 and "loop" in str(response.json())
    response = client.post("/api/v1/item-dependencies/", {"item": a.pk, "depends_on": a.pk}, format="json")
    assert response.status_code == 400
    response = client.post("/api/v1/item-dependencies/set/", {"item": a.pk, "depends_on": [c.pk]}, format="json")
    assert response.status_code == 400
    # Replacing b's list breaks the chain, after which a may wait for c.
    response = client.post("/api/v1/item-dependencies/set/", {"item": b.pk, "depends_on": []}, format="json")
    assert response.status_code == 200 and response.json() == []
    response = client.post("/api/v1/item-dependencies/", {"item": a.pk, "depends_on": c.pk}, format="json")
    assert response.status_code == 201
    assert set(ItemDependency.objects.values_list("item_id", "depends_on_id")) == {(c.pk, b.pk), (a.pk, c.pk)}


def test_another_workspaces_items_are_neither_listed_nor_linked(world):
    ours = _chain(world, 2)
    theirs = f.BacklogItemFactory(product=world.other_product)
    mine = _api(world.users["viewer"]).get("/api/v1/item-dependencies/").json()["results"]
    assert [d["item"] for d in mine] == [ours[1].pk]
    other = _api(world.outsider).get("/api/v1/item-dependencies/").json()["results"]
    assert other == []
    response = _api(world.users["admin"]).post(
        "/api/v1/item-dependencies/", {"item": ours[0].pk, "depends_on": theirs.pk}, format="json"
    )
    assert response.status_code == 400


def test_the_page_refuses_a_loop_with_a_message(world):
    a, b, c = _chain(world)
    client = world.client("contributor")
    url = reverse("backlog:dependency_add", kwargs={"product_id": world.product.pk, "pk": a.pk})
    response = client.post(url, {"depends_on": c.number}, follow=True)
    assert "loop" in response.content.decode()
    assert not ItemDependency.objects.filter(item=a).exists()
    assert world.client("viewer").post(url, {"depends_on": c.number}).status_code == 403
    detail = client.get(reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": b.pk}))
    assert a.key in detail.content.decode() and c.key in detail.content.decode()


def test_a_dependent_planned_before_what_it_waits_for_is_flagged(world):
    early = f.SprintFactory(product=world.product, name="S1")
    late = f.SprintFactory(product=world.product, name="S2", start_date=early.end_date)
    waiter = f.BacklogItemFactory(product=world.product, sprint=early)
    waited = f.BacklogItemFactory(product=world.product, sprint=late)
    assert "before" in schedule_conflict(waiter=waiter, waited_for=waited)
    assert schedule_conflict(waiter=waited, waited_for=waiter) is None
    waited.status = "done"
    assert schedule_conflict(waiter=waiter, waited_for=waited) is None


def test_initiative_self_dependency_and_loops_are_refused_through_the_api(world):
    a = f.InitiativeFactory(product=world.product)
    b = f.InitiativeFactory(product=world.product)
    client = _api(world.users["product_manager"])
    response = client.patch(f"/api/v1/initiatives/{a.pk}/", {"depends_on": [a.pk]}, format="json")
    assert response.status_code == 400
    assert client.patch(f"/api/v1/initiatives/{b.pk}/", {"depends_on": [a.pk]}, format="json").status_code == 200
    response = client.patch(f"/api/v1/initiatives/{a.pk}/", {"depends_on": [b.pk]}, format="json")
    assert response.status_code == 400 and "loop" in str(response.json())
    assert list(Initiative.objects.get(pk=a.pk).depends_on.all()) == []


def _reachable(edges, start, goal):
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(b for a, b in edges if a == node)
    return False


@settings(max_examples=200, deadline=None)
@given(
    edges=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=15),
    new=st.tuples(st.integers(0, 6), st.integers(0, 6)),
)
def test_cycle_path_agrees_with_plain_reachability(edges, new):
    waiter, waited = new
    path = cycle_path(edges=edges, waiter=waiter, waited_for=waited)
    closes = waiter == waited or _reachable(edges, waited, waiter)
    assert (path is not None) == closes
    if path is not None:
        assert path[0] == path[-1] == waiter
        hops = list(zip(path, path[1:], strict=False))
        assert hops[0] == (waiter, waited) and all(h in edges for h in hops[1:])

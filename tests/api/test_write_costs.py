"""Queries per write, pinned: an item PATCH, a move, a bulk save, a create and a key result check-in.

A write validates what changed, not the whole object graph: a PATCH of the title runs no foreign-key
existence check, no unique check on untouched fields, no cross-workspace check of untouched relations.
The counts are the same whatever the backlog's length (checked with a longer one).
"""

import os
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog.models import RANK_GAP, BacklogItem
from tests import factories as f

# Before (main as it was): PATCH 26, PATCH of the parent 27, move 16, bulk of 2 rows 53, create 29, check-in 14.
# Since then the notifications' subscriber reads who watches the object (one query a write, one more on a
# create for the creator's watch and the owner's), and the sprint ledger and evidence hooks read their rows.
# A write's own transaction holds no savepoint of its own (the retry's transaction covers it): PATCH and
# create run two statements fewer (SAVEPOINT, RELEASE); a move reads no acceptance criteria. A bulk
# create that names a sprint asks once whether it is active (its ledger), and the answer reads the labels.
# A workspace's webhook subscriptions are cached between events (integrations.webhooks): its first write
# (here the PATCH of the title) looks them up, the later ones do not (one query fewer each, three for the bulk).
PINNED = {"patch_title": 11, "patch_parent": 11, "move": 12, "bulk_2": 42, "create": 15, "check_in": 13}


def _backlog(product, count):
    start = 1_000_000  # above the factories' numbers, however many tests ran before in the session
    return BacklogItem.objects.bulk_create(
        [
            BacklogItem(product=product, number=start + n, rank=(start + n) * RANK_GAP, title=f"Item {n}", kind="story")
            for n in range(count)
        ]
    )


def _count(call) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code in (200, 201), response.content
    return len(queries), [q["sql"] for q in queries]


def _costs(world, api, items) -> dict[str, int]:
    client = api("admin")
    epic = f.BacklogItemFactory(product=world.product, kind="epic")
    item, anchor = items[5], items[-1]
    sprint = f.SprintFactory(product=world.product)
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    calls = {
        "patch_title": lambda: client.patch(f"/api/v1/items/{item.pk}/", {"title": "Renamed"}, format="json"),
        "patch_parent": lambda: client.patch(f"/api/v1/items/{item.pk}/", {"parent": epic.pk}, format="json"),
        "move": lambda: client.post(f"/api/v1/items/{item.pk}/move/", {"before": anchor.pk}, format="json"),
        "bulk_2": lambda: client.post(
            "/api/v1/items/bulk/",
            {
                "items": [
                    {"id": items[1].pk, "title": "A"},
                    {"product": world.product.pk, "title": "B", "sprint": sprint.pk},
                ]
            },
            format="json",
        ),
        "create": lambda: client.post(
            "/api/v1/items/", {"product": world.product.pk, "title": "Pay by link", "parent": epic.pk}, format="json"
        ),
        "check_in": lambda: client.post(
            f"/api/v1/key-results/{key_result.pk}/check-in/", {"value": "30", "confidence": 40}, format="json"
        ),
    }
    found = {}
    for name, call in calls.items():
        found[name], sqls = _count(call)
        if os.environ.get("PMHUB_SHOW_WRITE_QUERIES"):
            print(f"--- {name}: {found[name]}", *sqls, sep="\n  ")
    return found


@pytest.mark.parametrize("length", [20, 400])
def test_each_write_runs_a_pinned_number_of_queries(world, api, length):
    costs = _costs(world, api, _backlog(world.product, length))
    assert costs == PINNED


def test_a_patch_still_refuses_another_workspaces_parent(world, api):
    item = _backlog(world.product, 1)[0]
    theirs = f.BacklogItemFactory(product=world.other_product, kind="epic")
    response = api("admin").patch(f"/api/v1/items/{item.pk}/", {"parent": theirs.pk}, format="json")
    assert response.status_code in (400, 404)
    item.refresh_from_db()
    assert item.parent_id is None
    ok = api("admin").patch(f"/api/v1/items/{item.pk}/", {"effort": "2.5"}, format="json")
    assert ok.status_code == 200 and Decimal(ok.json()["effort"]) == Decimal("2.5")

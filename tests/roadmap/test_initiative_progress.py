"""Initiative progress on the board, the timeline, the initiative page and the shared page.

Progress is the points of an initiative's done or accepted items over the points of all its items
(an item without points counts as one). The items are written through the backlog's API, the way
people change them, so the moments backlog records (done, accepted, reopened) are the real ones.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmap.services.share_links import share_link_create
from tests import factories as f
from tests.api.conftest import token_client


def _item(client, world, initiative, points, *statuses):
    body = {"product": world.product.pk, "title": f"{initiative.title} {points}", "initiative": initiative.pk}
    if points is not None:
        body["story_points"] = points
    response = client.post("/api/v1/items/", {**body, "status": statuses[0]}, format="json")
    assert response.status_code == 201, response.json()
    for status in statuses[1:]:
        answer = client.patch(f"/api/v1/items/{response.json()['id']}/", {"status": status}, format="json")
        assert answer.status_code == 200, answer.json()


@pytest.fixture
def initiatives(world):
    """Wallets: 5 done + 3 accepted of 5 + 3 + 2 (reopened) + 1 (no points) + 8 (rejected) = 8 of 19."""
    wallets = f.InitiativeFactory(product=world.product, title="Wallets", horizon="now", start_date=date.today())
    payouts = f.InitiativeFactory(product=world.product, title="Payouts", horizon="next", start_date=date.today())
    empty = f.InitiativeFactory(product=world.product, title="Empty", horizon="later")
    po = token_client(world.users["product_owner"])
    _item(po, world, wallets, 5, "new", "in_progress", "done")
    _item(po, world, wallets, 3, "done", "accepted")
    _item(po, world, wallets, 2, "done", "in_progress")
    _item(po, world, wallets, None, "new")
    _item(po, world, wallets, 8, "accepted", "rejected")
    _item(po, world, payouts, 4, "done")
    # An item of another workspace that names our initiative (no page or endpoint lets it) is not ours to count.
    f.BacklogItemFactory(
        product=world.other_product, initiative=wallets, story_points=13, status="done", done_at=timezone.now()
    )
    return wallets, payouts, empty


WALLETS = {"done": 8, "total": 19, "percent": 42}
PAYOUTS = {"done": 4, "total": 4, "percent": 100}


def _figures(progress):
    return progress and {key: progress[key] for key in ("done", "total", "percent")}


def _by_title(initiatives):
    return {i.title: _figures(i.progress) for i in initiatives}


def test_board_shows_done_and_accepted_points_of_each_initiatives_own_items(world, initiatives):
    response = world.client("viewer").get(reverse("roadmap:board", kwargs={"product_id": world.product.pk}))
    shown = _by_title(i for column in response.context["columns"] for i in column.initiatives)
    assert shown == {"Wallets": WALLETS, "Payouts": PAYOUTS, "Empty": None}
    page = response.content.decode()
    assert 'aria-label="Progress of Wallets" aria-valuenow="42"' in page and "42 % done" in page
    assert 'aria-label="Progress of Payouts" aria-valuenow="100"' in page
    assert 'aria-label="Progress of Empty"' not in page


def test_timeline_carries_the_same_progress(world, initiatives):
    response = world.client("viewer").get(reverse("roadmap:timeline", kwargs={"product_id": world.product.pk}))
    timeline = response.context["timeline"]
    shown = _by_title([bar["initiative"] for lane in timeline.lanes for bar in lane.bars] + timeline.unscheduled)
    assert shown == {"Wallets": WALLETS, "Payouts": PAYOUTS, "Empty": None}


def test_initiative_page_shows_the_points_done_of_its_items(world, initiatives):
    wallets, _, empty = initiatives
    client = world.client("viewer")
    url = reverse("roadmap:initiative_detail", kwargs={"product_id": world.product.pk, "pk": wallets.pk})
    response = client.get(url)
    assert _figures(response.context["progress"]) == WALLETS
    page = response.content.decode()
    assert "8 of 19 points done or accepted (42 %)" in page
    assert [i.title for i in response.context["items"]] == [f"Wallets {p}" for p in (5, 3, 2, None, 8)]
    assert "Payouts 4" not in page
    url = reverse("roadmap:initiative_detail", kwargs={"product_id": world.product.pk, "pk": empty.pk})
    response = client.get(url)
    assert response.context["progress"] is None and "points done or accepted" not in response.content.decode()


def test_shared_page_shows_the_same_progress(world, initiatives):
    _, token = share_link_create(product=world.product, actor=world.users["admin"])
    response = world.client(None).get(reverse("roadmap:shared", kwargs={"token": token}))
    shown = _by_title(i for column in response.context["columns"] for i in column.initiatives)
    assert shown == {"Wallets": WALLETS, "Payouts": PAYOUTS, "Empty": None}
    assert "42 % done" in response.content.decode()


def test_reopening_the_last_done_item_takes_the_progress_back(world, initiatives):
    _, payouts, _ = initiatives
    po = token_client(world.users["product_owner"])
    item_id = po.get("/api/v1/items/", {"initiative": payouts.pk}).json()["results"][0]["id"]
    assert po.patch(f"/api/v1/items/{item_id}/", {"status": "ready"}, format="json").status_code == 200
    response = world.client("viewer").get(reverse("roadmap:board", kwargs={"product_id": world.product.pk}))
    shown = _by_title(i for column in response.context["columns"] for i in column.initiatives)
    assert shown["Payouts"] == {"done": 0, "total": 4, "percent": 0}

"""Apply a ranking to the backlog's manual order (one tracked job) and undo it."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backlog.models import BacklogItem
from collaboration.history import BacklogItemEvent
from jobs.models import Job, JobState
from prioritization import services
from prioritization.selectors import APPLY_KIND, UNDO_KIND
from tests import factories as f
from tests.conftest import wait_for

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]
RANKERS = {"admin", "product_owner"}


def titles(product) -> list[str]:
    return list(BacklogItem.objects.filter(product=product).order_by("rank", "id").values_list("title", flat=True))


def backlog(product) -> dict:
    """A: 10, B: 30, C: unscored, D: done (50), E: 20, F: unscored — in this manual order."""
    scores = {"A": "10", "B": "30", "C": None, "D": "50", "E": "20", "F": None}
    return {
        title: f.BacklogItemFactory(
            product=product,
            title=title,
            rice_score=D(score) if score else None,
            status="done" if title == "D" else "ready",
        )
        for title, score in scores.items()
    }


def apply_via_api(client, product, body=None):
    return client.post(f"/api/v1/products/{product.pk}/ranking/apply/", body or {}, content_type="application/json")


def test_applying_puts_scored_open_items_first_by_score_then_the_unscored_in_their_order(
    world, django_capture_on_commit_callbacks
):
    backlog(world.product)
    assert titles(world.product) == ["A", "B", "C", "D", "E", "F"]

    with django_capture_on_commit_callbacks(execute=True):
        response = apply_via_api(world.client("product_owner"), world.product, {"framework": "rice"})

    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job_id"])
    assert job.kind == APPLY_KIND and job.state == JobState.SUCCEEDED
    # The done item D keeps its place (4th); the open ones fill the other places: B, E, A, then C, F.
    assert titles(world.product) == ["B", "E", "A", "D", "C", "F"]
    assert job.result["moved"] == 4 and job.result["scored"] == 3 and job.result["unscored"] == 2


def test_undo_restores_the_previous_order_once(world, django_capture_on_commit_callbacks):
    items = backlog(world.product)
    client = world.client("product_owner")
    with django_capture_on_commit_callbacks(execute=True):
        applied = apply_via_api(client, world.product).json()
    assert titles(world.product) == ["B", "E", "A", "D", "C", "F"]

    url = f"/api/v1/products/{world.product.pk}/ranking/apply/{applied['job_id']}/undo/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["job_id"]).kind == UNDO_KIND
    assert titles(world.product) == ["A", "B", "C", "D", "E", "F"]
    assert Job.objects.get(pk=applied["job_id"]).result["undone_by"] == response.json()["job_id"]
    again = client.post(url)
    assert again.status_code == 400 and titles(world.product) == ["A", "B", "C", "D", "E", "F"]
    # Each rank change is in the item's history (pghistory triggers): created, applied, undone.
    ranks = BacklogItemEvent.objects.filter(pgh_obj_id=items["B"].pk).order_by("pgh_id").values_list("rank", flat=True)
    assert list(ranks) == [items["B"].rank, items["A"].rank, items["B"].rank]


def test_undo_restores_the_order_among_items_moved_since(world, django_capture_on_commit_callbacks):
    backlog(world.product)
    client = world.client("admin")
    with django_capture_on_commit_callbacks(execute=True):
        applied = apply_via_api(client, world.product).json()
    new = f.BacklogItemFactory(product=world.product, title="G", status="ready")  # added at the bottom since
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/products/{world.product.pk}/ranking/apply/{applied['job_id']}/undo/")
    assert titles(world.product) == ["A", "B", "C", "D", "E", "F", "G"]
    assert BacklogItem.objects.get(pk=new.pk).rank == new.rank


@pytest.mark.parametrize("role", ROLES)
def test_only_product_owners_and_admins_apply_a_ranking(world, role, django_capture_on_commit_callbacks):
    backlog(world.product)
    with django_capture_on_commit_callbacks(execute=True):
        response = apply_via_api(world.client(role), world.product)
    page = world.client(role).get(f"/products/{world.product.pk}/priorities/")
    button = "Apply this ranking to the backlog" in page.content.decode()
    if role in RANKERS:
        assert response.status_code == 202 and button
        assert titles(world.product) == ["B", "E", "A", "D", "C", "F"]
    else:
        assert response.status_code == 403 and not button
        assert not Job.objects.exists() and titles(world.product) == ["A", "B", "C", "D", "E", "F"]
        assert world.client(role).post(f"/products/{world.product.pk}/priorities/apply/").status_code == 403


def test_another_workspace_is_not_found_and_changes_nothing(world, django_capture_on_commit_callbacks):
    backlog(world.other_product)
    theirs = Job.objects.create(
        workspace=world.other_workspace, product=world.other_product, kind=APPLY_KIND, state="succeeded", result={}
    )
    client = world.client("admin")
    assert apply_via_api(client, world.other_product).status_code == 404
    assert client.post(f"/api/v1/products/{world.product.pk}/ranking/apply/{theirs.pk}/undo/").status_code == 404
    assert client.post(f"/api/v1/products/{world.other_product.pk}/ranking/apply/{theirs.pk}/undo/").status_code == 404
    assert client.post(f"/products/{world.other_product.pk}/priorities/apply/").status_code == 404
    assert titles(world.other_product) == ["A", "B", "C", "D", "E", "F"] and Job.objects.count() == 1


def test_bad_input_is_a_400(world):
    client = world.client("admin")
    assert apply_via_api(client, world.product, {"framework": "nope"}).status_code == 400
    assert apply_via_api(client, world.product, {"frameworks": "rice"}).status_code == 400
    assert not Job.objects.exists()


def test_the_page_applies_then_offers_undo(world, django_capture_on_commit_callbacks):
    backlog(world.product)
    client = world.client("product_owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/products/{world.product.pk}/priorities/apply/", {"framework": "rice"})
    assert response.status_code == 302 and titles(world.product) == ["B", "E", "A", "D", "C", "F"]
    page = client.get(f"/products/{world.product.pk}/priorities/").content.decode()
    assert "4 items moved" in page and "Undo: restore the previous order" in page
    job = Job.objects.get(kind=APPLY_KIND)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/products/{world.product.pk}/priorities/apply/{job.pk}/undo/")
    assert titles(world.product) == ["A", "B", "C", "D", "E", "F"]
    assert "Undo: restore" not in client.get(f"/products/{world.product.pk}/priorities/").content.decode()


@given(
    scored=st.lists(st.integers(min_value=1, max_value=50), unique=True),
    others=st.lists(st.integers(min_value=1, max_value=50), unique=True),
)
def test_the_new_order_is_the_scored_then_the_rest_in_their_order(scored, others):
    order = services.ranking_order(scored=scored, unscored=scored[::-1] + others)
    assert order[: len(scored)] == scored
    rest = [pk for pk in dict.fromkeys(scored[::-1] + others) if pk not in scored]
    assert order[len(scored) :] == rest


@pytest.mark.worker
def test_a_real_worker_runs_the_apply_job_after_the_request(celery_worker):
    workspace = f.WorkspaceFactory()
    product = f.ProductFactory(workspace=workspace)
    backlog(product)
    job = services.ranking_apply_start(product=product, framework="rice", actor=None)
    job.refresh_from_db()
    assert job.state in (JobState.PENDING, JobState.RUNNING, JobState.SUCCEEDED)

    finished = wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.SUCCEEDED).exists())

    assert finished and titles(product) == ["B", "E", "A", "D", "C", "F"]


def test_finished_items_leave_the_ranking_on_the_page_and_in_the_api(world):
    backlog(world.product)  # D is done, with the best score
    f.BacklogItemFactory(product=world.product, title="R", status="rejected", rice_score=D("90"))
    f.BacklogItemFactory(product=world.product, title="X", status="accepted")
    client = world.client("viewer")

    page = client.get(f"/products/{world.product.pk}/priorities/").context
    ranked = [row.item.title for row in page["rows"]]
    unscored = [row.item.title for row in page["unscored_rows"]]
    api = client.get(f"/api/v1/products/{world.product.pk}/ranking/").json()
    api_unscored = client.get(f"/api/v1/products/{world.product.pk}/ranking/unscored/").json()

    assert ranked == ["B", "E", "A"] and unscored == ["C", "F"]
    assert [row["title"] for row in api["results"]] == ["B", "E", "A"]
    assert [row["title"] for row in api_unscored["results"]] == ["C", "F"]
    asked = client.get(f"/api/v1/products/{world.product.pk}/ranking/?status=done").json()
    assert [row["title"] for row in asked["results"]] == ["D"]  # unless a status is asked for

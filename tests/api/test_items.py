"""Backlog items through the API: strict input, versioned writes, moves, bulk, pagination, export."""

from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest

from backlog.apis import _fetch_rows, _fetch_rows_portable
from backlog.models import AcceptanceCriterion, BacklogItem
from backlog.services.items import item_create
from core.renderers import dumps
from tests import factories as f


@pytest.fixture
def po(api):
    return api("product_owner")


def _titles(client, **params) -> list[str]:
    return [row["title"] for row in client.get("/api/v1/items/", params).json()["results"]]


def _backlog(world, *titles):
    return [
        item_create(instance=BacklogItem(product=world.product, title=t), actor=world.users["admin"]) for t in titles
    ]


# ---- strict input ------------------------------------------------------------------------------


def test_unknown_fields_and_wrong_types_are_errors(world, po):
    body = {"product": world.product.pk, "title": "Refunds", "colour": "red", "story_points": "5", "met": 1}
    response = po.post("/api/v1/items/", body, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["colour"] == ["Unknown field."]
    assert errors["met"] == ["Unknown field."]
    assert not BacklogItem.objects.exists()

    response = po.post("/api/v1/items/", {"product": world.product.pk, "title": 7, "story_points": "5"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "story_points"}


def test_rank_cannot_be_changed_by_patch(world, po):
    a, b = _backlog(world, "A", "B")

    response = po.patch(f"/api/v1/items/{a.pk}/", {"rank": b.rank + 1}, format="json")

    assert response.status_code == 400
    assert "move" in response.json()["errors"]["rank"][0]
    a.refresh_from_db()
    assert a.rank < b.rank


def test_what_was_read_can_be_put_back(world, po):
    (item,) = _backlog(world, "A")
    body = po.get(f"/api/v1/items/{item.pk}/").json()
    body["title"] = "A, renamed"

    response = po.put(f"/api/v1/items/{item.pk}/", body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "A, renamed"


def test_scores_are_computed_and_read_only(world, po, django_capture_on_commit_callbacks):
    body = {"product": world.product.pk, "title": "Refunds", "reach": 2000, "impact": "2", "confidence": 80}
    body["effort"] = "4"
    with django_capture_on_commit_callbacks(execute=True):
        response = po.post("/api/v1/items/", body, format="json")

    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    assert po.get(f"/api/v1/items/{item_id}/").json()["rice_score"] == "800.00"
    assert po.patch(f"/api/v1/items/{item_id}/", {"rice_score": "1"}, format="json").status_code == 400


def test_validation_errors_have_one_shape(world, po):
    response = po.post("/api/v1/items/", {"product": world.product.pk, "title": "X", "confidence": 120}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"confidence": [response.json()["errors"]["confidence"][0]]},
    }


# ---- versions ----------------------------------------------------------------------------------


def test_a_stale_if_match_gets_412_and_the_current_object(world, po, api):
    (item,) = _backlog(world, "A")
    etag = po.get(f"/api/v1/items/{item.pk}/")["ETag"]
    assert etag == '"1"'

    # someone else saves first
    assert (
        api("admin").patch(f"/api/v1/items/{item.pk}/", {"title": "B"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )

    response = po.patch(f"/api/v1/items/{item.pk}/", {"title": "C"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert response.json()["current"]["title"] == "B"
    assert response.json()["current"]["version"] == 2
    item.refresh_from_db()
    assert (item.title, item.version) == ("B", 2)
    assert po.delete(f"/api/v1/items/{item.pk}/", HTTP_IF_MATCH=etag).status_code == 412
    assert BacklogItem.objects.filter(pk=item.pk).exists()
    assert po.delete(f"/api/v1/items/{item.pk}/", HTTP_IF_MATCH='"2"').status_code == 204


# ---- acceptance criteria -----------------------------------------------------------------------


def test_acceptance_criteria_are_written_as_a_list(world, po):
    response = po.post(
        "/api/v1/items/",
        {"product": world.product.pk, "title": "Refunds", "acceptance_criteria": [{"text": "one"}, {"text": "two"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    one, two = response.json()["acceptance_criteria"]

    body = {"acceptance_criteria": [{"id": two["id"], "text": "two", "met": True}, {"text": "three"}]}
    response = po.patch(f"/api/v1/items/{item_id}/", body, format="json")

    assert response.status_code == 200, response.content
    assert [(c["text"], c["met"]) for c in response.json()["acceptance_criteria"]] == [("two", True), ("three", False)]
    assert not AcceptanceCriterion.objects.filter(pk=one["id"]).exists()


def test_a_criterion_of_another_item_cannot_be_adopted(world, po):
    other = f.CriterionFactory(item=f.BacklogItemFactory(product=world.other_product))
    (item,) = _backlog(world, "A")

    body = {"acceptance_criteria": [{"id": other.pk, "text": "mine now"}]}
    response = po.patch(f"/api/v1/items/{item.pk}/", body, format="json")

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.text != "mine now"


# ---- moves -------------------------------------------------------------------------------------


def test_moves_before_after_top_and_bottom(world, po):
    a, b, c, d = _backlog(world, "A", "B", "C", "D")
    assert _titles(po, product=world.product.pk) == ["A", "B", "C", "D"]

    assert po.post(f"/api/v1/items/{d.pk}/move/", {"before": a.pk}, format="json").status_code == 200
    assert _titles(po, product=world.product.pk) == ["D", "A", "B", "C"]
    assert po.post(f"/api/v1/items/{d.pk}/move/", {"after": b.pk}, format="json").status_code == 200
    assert _titles(po, product=world.product.pk) == ["A", "B", "D", "C"]
    assert po.post(f"/api/v1/items/{c.pk}/move/", {"position": "top"}, format="json").status_code == 200
    assert _titles(po, product=world.product.pk) == ["C", "A", "B", "D"]
    assert po.post(f"/api/v1/items/{c.pk}/move/", {"position": "bottom"}, format="json").status_code == 200
    assert _titles(po, product=world.product.pk) == ["A", "B", "D", "C"]


def test_a_move_writes_only_the_moved_row(world, po, django_assert_max_num_queries):
    items = _backlog(world, *"ABCDEFGHIJ")
    ranks = dict(BacklogItem.objects.values_list("id", "rank"))

    response = po.post(f"/api/v1/items/{items[-1].pk}/move/", {"before": items[0].pk}, format="json")

    assert response.status_code == 200
    after = dict(BacklogItem.objects.values_list("id", "rank"))
    assert [pk for pk in after if after[pk] != ranks[pk]] == [items[-1].pk]


def test_moves_rebalance_when_the_gap_runs_out(world, po):
    a, b, c = _backlog(world, "A", "B", "C")
    BacklogItem.objects.filter(pk=b.pk).update(rank=a.rank + 1)

    assert po.post(f"/api/v1/items/{c.pk}/move/", {"after": a.pk}, format="json").status_code == 200

    assert _titles(po, product=world.product.pk) == ["A", "C", "B"]
    ranks = list(BacklogItem.objects.order_by("rank").values_list("rank", flat=True))
    assert len(set(ranks)) == 3 and min(b - a for a, b in zip(ranks, ranks[1:], strict=False)) > 1


def test_bad_moves_are_400_and_roles_without_ranking_403(world, po, api):
    (a,) = _backlog(world, "A")
    theirs = f.BacklogItemFactory(product=world.other_product)

    assert po.post(f"/api/v1/items/{a.pk}/move/", {}, format="json").status_code == 400
    assert po.post(f"/api/v1/items/{a.pk}/move/", {"before": 1, "after": 2}, format="json").status_code == 400
    assert po.post(f"/api/v1/items/{a.pk}/move/", {"position": "middle"}, format="json").status_code == 400
    assert po.post(f"/api/v1/items/{a.pk}/move/", {"before": theirs.pk}, format="json").status_code == 400
    assert api("contributor").post(f"/api/v1/items/{a.pk}/move/", {"position": "top"}, format="json").status_code == 403
    assert api("outsider").post(f"/api/v1/items/{a.pk}/move/", {"position": "top"}, format="json").status_code == 404


# ---- bulk --------------------------------------------------------------------------------------


def test_bulk_creates_and_updates_in_one_go(world, po):
    (a,) = _backlog(world, "A")
    body = {
        "items": [
            {"id": a.pk, "title": "A, renamed"},
            {"product": world.product.pk, "title": "B", "acceptance_criteria": [{"text": "works"}]},
            {"product": world.product.pk, "title": "C"},
        ]
    }
    response = po.post("/api/v1/items/bulk/", body, format="json")

    assert response.status_code == 200, response.content
    assert [row["title"] for row in response.json()["items"]] == ["A, renamed", "B", "C"]
    assert _titles(po, product=world.product.pk) == ["A, renamed", "B", "C"]


def test_bulk_is_all_or_nothing_with_errors_by_row(world, po):
    (a,) = _backlog(world, "A")
    theirs = f.BacklogItemFactory(product=world.other_product, title="Theirs")
    body = {
        "items": [
            {"product": world.product.pk, "title": "fine"},
            {"product": world.product.pk, "title": ""},
            {"id": theirs.pk, "title": "hijacked"},
            {"id": a.pk, "confidence": 500},
            {"product": world.other_product.pk, "title": "sneaky"},
        ]
    }
    response = po.post("/api/v1/items/bulk/", body, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]["items"]
    assert set(errors) == {"1", "2", "3", "4"}
    assert "title" in errors["1"] and "id" in errors["2"] and "confidence" in errors["3"] and "product" in errors["4"]
    assert list(BacklogItem.objects.order_by("id").values_list("title", flat=True)) == ["A", "Theirs"]


def test_bulk_rolls_back_when_a_service_refuses_a_row(world, po):
    sprint = f.SprintFactory(product=f.ProductFactory(workspace=world.workspace))
    body = {
        "items": [
            {"product": world.product.pk, "title": "fine"},
            {"product": world.product.pk, "title": "wrong sprint", "sprint": sprint.pk},
        ]
    }
    response = po.post("/api/v1/items/bulk/", body, format="json")

    assert response.status_code == 400
    assert "sprint" in response.json()["errors"]["items"]["1"]
    assert not BacklogItem.objects.exists()


def test_bulk_takes_at_most_500_rows(world, po):
    body = {"items": [{"product": world.product.pk, "title": f"i{n}"} for n in range(501)]}
    assert po.post("/api/v1/items/bulk/", body, format="json").status_code == 400
    assert not BacklogItem.objects.exists()


def test_bulk_needs_the_edit_role(world, api):
    body = {"items": [{"product": world.product.pk, "title": "x"}]}
    assert api("viewer").post("/api/v1/items/bulk/", body, format="json").status_code == 403
    assert not BacklogItem.objects.exists()


# ---- lists -------------------------------------------------------------------------------------


def test_the_fast_list_shows_what_the_detail_shows(world, po):
    initiative = f.InitiativeFactory(product=world.product)
    item = f.BacklogItemFactory(
        product=world.product,
        initiative=initiative,
        sprint=f.SprintFactory(product=world.product),
        owner=world.users["product_owner"],
        reach=100,
        impact=Decimal("0.5"),
        confidence=50,
        effort=Decimal("2"),
        rice_score=Decimal("12.50"),
        moscow="must",
        as_a="shopper",
    )
    f.CriterionFactory(item=item, met=True)
    f.CriterionFactory(item=item, text='Ünïcode "quotes" \\ and\nnew lines ✓')
    plain = f.BacklogItemFactory(product=world.product, title="Café ✓", effort=Decimal("0.25"))
    BacklogItem.objects.filter(pk=plain.pk).update(created_at=datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC))

    listed = po.get("/api/v1/items/").json()["results"]
    assert listed == [po.get(f"/api/v1/items/{i.pk}/").json() for i in (item, plain)]
    assert listed[1]["created_at"] == "2027-01-02T03:04:05Z"


def test_cursor_pages_are_stable_while_items_are_added(world, po):
    _backlog(world, *[f"i{n:02d}" for n in range(10)])

    first = po.get("/api/v1/items/", {"page_size": 4}).json()
    _backlog(world, "new one")  # goes to the bottom
    f.BacklogItemFactory(product=world.product, title="new top", rank=-5000, number=999)
    pages = [first]
    while pages[-1]["next"]:
        pages.append(po.get(pages[-1]["next"]).json())

    seen = [r["title"] for page in pages for r in page["results"]]
    assert seen == [f"i{n:02d}" for n in range(10)] + ["new one"]
    assert len(pages) == 3


def test_ordering_by_score_puts_unscored_items_last(world, po):
    f.BacklogItemFactory(product=world.product, title="low", rice_score=Decimal("1"))
    f.BacklogItemFactory(product=world.product, title="none")
    f.BacklogItemFactory(product=world.product, title="high", rice_score=Decimal("9"))

    assert _titles(po, ordering="-rice_score", page_size=1) == ["high"]
    titles, params = [], {"ordering": "-rice_score", "page_size": 1}
    url = "/api/v1/items/"
    while url:
        page = po.get(url, params).json()
        titles += [r["title"] for r in page["results"]]
        url, params = page["next"], None
    assert titles == ["high", "low", "none"]


def test_page_size_is_at_most_500(world, po):
    assert po.get("/api/v1/items/", {"page_size": 501}).status_code == 400
    assert po.get("/api/v1/items/", {"page_size": 500}).status_code == 200
    assert po.get("/api/v1/items/", {"cursor": "garbage"}).status_code == 400
    assert po.get("/api/v1/items/", {"ordering": "title"}).status_code == 400


def test_filters_and_search(world, po):
    theme = f.ThemeFactory(product=world.product)
    initiative = f.InitiativeFactory(product=world.product, theme=theme)
    f.BacklogItemFactory(product=world.product, title="Refund flow", kind="bug", initiative=initiative)
    f.BacklogItemFactory(product=world.product, title="Receipts", kind="story", status="ready", moscow="must")

    assert _titles(po, kind="bug") == ["Refund flow"]
    assert _titles(po, theme=theme.pk) == ["Refund flow"]
    assert _titles(po, initiative=initiative.pk) == ["Refund flow"]
    assert _titles(po, status="ready", moscow="must") == ["Receipts"]
    assert _titles(po, search="receip") == ["Receipts"]
    assert po.get("/api/v1/items/", {"kind": "novel"}).status_code == 400


@pytest.mark.parametrize("rows", [20, 60])
def test_item_list_queries_do_not_grow_with_rows(world, po, rows, django_assert_max_num_queries):
    for item in f.BacklogItemFactory.create_batch(rows, product=world.product):
        f.CriterionFactory(item=item)

    with django_assert_max_num_queries(5):  # token, last-used stamp at most, page, criteria
        response = po.get("/api/v1/items/", {"page_size": 500, "product": world.product.pk})
    assert len(response.json()["results"]) == rows


def test_csv_export_of_the_backlog_respects_filters(world, po):
    _backlog(world, "A", "B")
    f.BacklogItemFactory(product=world.product, title="Bug", kind="bug", rank=10**6)

    response = po.get("/api/v1/items/export/", {"kind": "story"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("key,title,kind")
    assert [line.split(",")[1] for line in lines[1:]] == ["A", "B"]


def test_csv_export_of_the_roadmap(world, po, api):
    f.InitiativeFactory(product=world.product, title="Now thing", horizon="now")
    f.InitiativeFactory(product=world.product, title="Later thing", horizon="later")
    f.InitiativeFactory(product=world.other_product, title="Theirs", horizon="now")

    response = api("viewer").get("/api/v1/initiatives/export/", {"horizon": "now"})

    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert len(lines) == 2 and "Now thing" in lines[1]


def test_an_empty_product_of_ours_lists_nothing_but_another_workspaces_is_400(world, po):
    assert po.get("/api/v1/items/", {"product": world.product.pk}).json()["results"] == []
    response = po.get("/api/v1/items/", {"product": world.other_product.pk})
    assert response.status_code == 400 and "product" in response.json()["errors"]
    assert po.get("/api/v1/items/export/", {"product": world.other_product.pk}).status_code == 400


def test_the_portable_list_used_on_sqlite_gives_the_same_rows(postgres, world, po):
    """`make run` serves SQLite, which lacks PostgreSQL's JSON functions: its list path must match."""
    item = f.BacklogItemFactory(
        product=world.product,
        reach=10,
        impact=Decimal("2"),
        confidence=80,
        effort=Decimal("0.5"),
        rice_score=Decimal("32.00"),
    )
    f.CriterionFactory(item=item, met=True)
    f.BacklogItemFactory(product=world.product, title="No criteria")
    queryset = BacklogItem.objects.filter(product=world.product).order_by("rank")
    fast = orjson.loads(dumps(_fetch_rows(queryset)))
    portable = orjson.loads(dumps(_fetch_rows_portable(queryset)))
    assert [row["title"] for row in fast] == [item.title, "No criteria"]
    assert portable == fast

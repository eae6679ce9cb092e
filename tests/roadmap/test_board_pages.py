"""Roadmap board, timeline, initiative moves and shared links: roles, isolation, order and query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap.models import Initiative, RoadmapShareLink
from roadmap.services.board import initiative_move, initiative_reschedule
from roadmap.services.share_links import share_link_create, share_token_hash
from tests import factories as f

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]
STRATEGY = {"admin", "product_manager"}


def _url(name, world, other=False, **kw):
    return reverse(f"roadmap:{name}", kwargs={"product_id": (world.other_product if other else world.product).pk, **kw})


def _titles(product, horizon):
    return list(
        Initiative.objects.filter(product=product, horizon=horizon)
        .order_by("rank", "id")
        .values_list("title", flat=True)
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_board_and_the_timeline(world, role):
    f.InitiativeFactory(product=world.product, title="Wallets", start_date=date.today())
    client = world.client(role)
    for name in ("board", "timeline"):
        response = client.get(_url(name, world))
        assert response.status_code == 200
        assert "Wallets" in response.content.decode()
    board = client.get(_url("board", world)).content.decode()
    assert ("Share with stakeholders" in board) == (role in STRATEGY)
    assert ("data-move-handle" in board) == (role in STRATEGY)


def test_board_and_timeline_are_not_found_outside_the_workspace(world):
    for name in ("board", "timeline"):
        assert world.client("outsider").get(_url(name, world)).status_code == 404
        assert world.client("admin").get(_url(name, world, other=True)).status_code == 404
        response = world.client(None).get(_url(name, world))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_only_strategy_roles_move_and_reschedule_initiatives(world, role):
    a = f.InitiativeFactory(product=world.product, title="A", horizon="now")
    b = f.InitiativeFactory(product=world.product, title="B", horizon="now")
    client = world.client(role)
    move = client.post(_url("initiative_move", world, pk=b.pk), {"horizon": "now", "before": a.pk})
    reschedule = client.post(
        _url("initiative_reschedule", world, pk=a.pk), {"start_date": "2027-01-04", "end_date": "2027-03-31"}
    )
    a.refresh_from_db()
    if role in STRATEGY:
        assert (move.status_code, reschedule.status_code) == (200, 200)
        assert _titles(world.product, "now") == ["B", "A"]
        assert (a.start_date, a.end_date) == (date(2027, 1, 4), date(2027, 3, 31))
    else:
        assert (move.status_code, reschedule.status_code) == (403, 403)
        assert _titles(world.product, "now") == ["A", "B"]
        assert a.start_date is None


def test_another_workspaces_initiative_cannot_be_moved_or_rescheduled(world):
    theirs = f.InitiativeFactory(product=world.other_product, horizon="later")
    ours = f.InitiativeFactory(product=world.product, horizon="now")
    client = world.client("admin")
    assert (
        client.post(_url("initiative_move", world, pk=theirs.pk), {"position": "top", "horizon": "now"}).status_code
        == 404
    )
    assert client.post(_url("initiative_move", world, other=True, pk=theirs.pk), {"position": "top"}).status_code == 404
    assert (
        client.post(_url("initiative_reschedule", world, pk=theirs.pk), {"start_date": "2027-01-01"}).status_code == 404
    )
    # Anchoring on their initiative is refused as an unknown anchor.
    response = client.post(_url("initiative_move", world, pk=ours.pk), {"horizon": "now", "before": theirs.pk})
    assert response.status_code == 400 and "before" in response.json()["errors"]
    theirs.refresh_from_db()
    assert (theirs.horizon, theirs.start_date) == ("later", None)


def test_bad_moves_and_dates_are_400_with_field_errors(world):
    a = f.InitiativeFactory(product=world.product, horizon="now")
    client = world.client("product_manager")
    assert (
        client.post(_url("initiative_move", world, pk=a.pk), {"horizon": "soon", "position": "top"}).status_code == 400
    )
    assert client.post(_url("initiative_move", world, pk=a.pk), {"horizon": "now"}).status_code == 400
    response = client.post(
        _url("initiative_reschedule", world, pk=a.pk), {"start_date": "2027-03-01", "end_date": "2027-01-01"}
    )
    assert response.status_code == 400 and "end_date" in response.json()["errors"]
    other_theme = f.ThemeFactory(product=world.other_product)
    response = client.post(
        _url("initiative_reschedule", world, pk=a.pk), {"start_date": "2027-01-01", "theme": other_theme.pk}
    )
    assert response.status_code == 400 and "theme" in response.json()["errors"]
    a.refresh_from_db()
    assert (a.start_date, a.theme_id) == (None, None)


def test_reschedule_based_on_an_old_version_is_refused(world):
    a = f.InitiativeFactory(product=world.product, start_date=date(2027, 1, 1))
    client = world.client("product_manager")
    first = client.post(_url("initiative_reschedule", world, pk=a.pk), {"start_date": "2027-02-01", "version": 1})
    stale = client.post(_url("initiative_reschedule", world, pk=a.pk), {"start_date": "2027-05-01", "version": 1})
    a.refresh_from_db()
    assert first.status_code == 200 and stale.status_code == 409
    assert a.start_date == date(2027, 2, 1)


def test_moves_across_columns_and_within_one_keep_the_order(world):
    p = world.product
    a, b, c = (f.InitiativeFactory(product=p, title=t, horizon="now") for t in "ABC")
    d = f.InitiativeFactory(product=p, title="D", horizon="later")
    pm = world.users["product_manager"]
    assert _titles(p, "now") == ["A", "B", "C"]
    initiative_move(initiative=c, actor=pm, before=a.pk)  # C before A
    assert _titles(p, "now") == ["C", "A", "B"]
    initiative_move(initiative=d, actor=pm, horizon="now", after=a.pk)  # D from later, after A
    assert _titles(p, "now") == ["C", "A", "D", "B"] and _titles(p, "later") == []
    initiative_move(initiative=a, actor=pm, horizon="next", position="top")
    assert _titles(p, "now") == ["C", "D", "B"] and _titles(p, "next") == ["A"]


def test_equal_ranks_are_rebalanced_when_a_move_needs_room(world):
    p = world.product
    items = [Initiative.objects.create(product=p, title=t, horizon="now", rank=0) for t in "ABCD"]
    initiative_move(initiative=items[3], actor=None, before=items[1].pk)
    assert _titles(p, "now") == ["A", "D", "B", "C"]
    ranks = list(Initiative.objects.filter(product=p, horizon="now").values_list("rank", flat=True))
    assert len(set(ranks)) == 4


def _board(client, world, horizon) -> list[str]:
    columns = client.get(_url("board", world)).context["columns"]
    return [i.title for col in columns if col.horizon == horizon for i in col.initiatives]


def test_a_new_initiative_shows_at_the_bottom_of_its_column_and_moves_like_the_others(world):
    f.InitiativeFactory(product=world.product, title="Old", horizon="next")
    client = world.client("product_manager")
    for title in ("New", "Newer"):
        response = client.post(
            reverse("roadmap:initiative_create", kwargs={"product_id": world.product.pk}),
            {"title": title, "horizon": "next", "status": "proposed"},
        )
        assert response.status_code == 302
    assert _board(client, world, "next") == ["Old", "New", "Newer"]
    old = Initiative.objects.get(title="Old")
    newer = Initiative.objects.get(title="Newer")
    # Anchored on an initiative that had no rank yet, the move lands where the board showed it.
    assert (
        client.post(_url("initiative_move", world, pk=old.pk), {"horizon": "next", "after": newer.pk}).status_code
        == 200
    )
    assert _board(client, world, "next") == ["New", "Newer", "Old"] == _titles(world.product, "next")


def test_moves_to_the_top_keep_ranks_positive(world):
    p = world.product
    items = [f.InitiativeFactory(product=p, title=t, horizon="now") for t in "ABC"]
    for _ in range(15):
        for initiative in reversed(items):
            initiative_move(initiative=initiative, actor=None, position="top")
    assert _titles(p, "now") == ["A", "B", "C"]
    assert min(Initiative.objects.filter(product=p).values_list("rank", flat=True)) > 0


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(product, count, start):
    theme = f.ThemeFactory(product=product)
    release = f.ReleaseFactory(product=product, target_date=start + timedelta(days=60))
    kr = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=product.workspace))
    previous = None
    for n in range(count):
        i = f.InitiativeFactory(
            product=product,
            horizon=["now", "next", "later"][n % 3],
            theme=theme if n % 2 else None,
            release=release,
            start_date=start + timedelta(days=7 * n),
            end_date=start + timedelta(days=7 * n + 40),
        )
        i.key_results.add(kr)
        if previous:
            i.depends_on.add(previous)
        f.BacklogItemFactory(product=product, initiative=i, story_points=3, status="done" if n % 2 else "new")
        previous = i


def test_board_and_timeline_queries_do_not_grow_with_initiatives(world, django_assert_max_num_queries):
    client = world.client("product_manager")
    start = date.today()
    _grow(world.product, 20, start)
    counts = {name: _queries(client, _url(name, world)) for name in ("board", "timeline")}
    _grow(world.product, 25, start)
    for name in ("board", "timeline"):
        with django_assert_max_num_queries(counts[name]):
            response = client.get(_url(name, world))
        assert response.content.decode().count("data-initiative-id") >= 45
    assert counts["board"] <= 14 and counts["timeline"] <= 14, counts


def test_shared_link_stores_only_a_hash_and_stops_working_when_revoked(world):
    f.InitiativeFactory(product=world.product, title="Faster payouts", description="Internal: margin is thin")
    response = world.client("product_manager").post(_url("share_link_create", world), {"label": "Board"})
    assert response.status_code == 200
    link = RoadmapShareLink.objects.get()
    token = response.context["new_share_url"].rstrip("/").rsplit("/", 1)[1]
    assert link.token_hash == share_token_hash(token) and token not in link.token_hash
    shared = world.client(None).get(reverse("roadmap:shared", kwargs={"token": token}))
    page = shared.content.decode()
    assert shared.status_code == 200 and "Faster payouts" in page and "margin is thin" not in page
    assert world.client(None).get(reverse("roadmap:shared", kwargs={"token": token + "x"})).status_code == 404
    assert world.client("product_manager").post(_url("share_link_revoke", world, pk=link.pk)).status_code == 302
    assert world.client(None).get(reverse("roadmap:shared", kwargs={"token": token})).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_strategy_roles_create_and_revoke_share_links(world, role):
    link, _ = share_link_create(product=world.product, actor=world.users["admin"], label="Existing")
    client = world.client(role)
    create = client.post(_url("share_link_create", world), {"label": "New"})
    revoke = client.post(_url("share_link_revoke", world, pk=link.pk))
    link.refresh_from_db()
    if role in STRATEGY:
        assert (create.status_code, revoke.status_code) == (200, 302)
        assert RoadmapShareLink.objects.filter(label="New").exists() and link.revoked_at is not None
    else:
        assert (create.status_code, revoke.status_code) == (403, 403)
        assert not RoadmapShareLink.objects.filter(label="New").exists() and link.revoked_at is None


def test_another_workspaces_share_link_cannot_be_revoked(world):
    theirs, _ = share_link_create(product=world.other_product, actor=world.outsider)
    client = world.client("admin")
    assert client.post(_url("share_link_revoke", world, pk=theirs.pk)).status_code == 404
    assert client.post(_url("share_link_revoke", world, other=True, pk=theirs.pk)).status_code == 404
    assert client.post(_url("share_link_create", world, other=True), {"label": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_moves_and_reschedules_announce_their_events(world):
    """Subscribers hear them inside the write's transaction (what they record commits or rolls back with it)."""
    from core import events

    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    a = f.InitiativeFactory(product=world.product, title="A", horizon="now")
    b = f.InitiativeFactory(product=world.product, title="B", horizon="now")
    events.subscribe(listener)
    try:
        initiative_move(initiative=b, actor=None, horizon="next", position="top")
        initiative_reschedule(initiative=a, actor=None, start_date=date(2027, 1, 4), end_date=None)
    finally:
        events._subscribers.remove(listener)
    assert [(h["event"], h["data"]["id"]) for h in heard] == [("initiative.moved", b.pk), ("initiative.updated", a.pk)]
    assert heard[0]["workspace_id"] == world.workspace.pk and heard[0]["data"]["horizon"] == "next"
    assert heard[1]["data"]["changed"] == ["start_date"]

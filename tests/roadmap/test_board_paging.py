"""The board, the timelines and the shared roadmap show a bounded page of initiatives: counts, "Show
more" by keyset, timeline pages that keep their parameters, isolation, moves in a partial column and
a number of queries that does not depend on how many initiatives there are."""

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap.models import Initiative
from roadmap.selectors.columns import BOARD_PAGE, THROUGH_MAX
from roadmap.selectors.timeline_pages import TIMELINE_PAGE, UNSCHEDULED_SHOWN
from roadmap.services.board import initiative_move
from roadmap.services.share_links import share_link_create
from tests import factories as f

HX = {"HTTP_HX_REQUEST": "true"}


def _board_url(product, **query):
    url = reverse("roadmap:board", kwargs={"product_id": product.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _column_url(product, horizon, after):
    return reverse("roadmap:board_column", kwargs={"product_id": product.pk, "horizon": horizon}) + f"?after={after}"


def _make(product, count, *, horizon="now", prefix="Card", start=None, rank_from=1, **extra):
    """`count` initiatives, ranked in title order (Card 00, Card 01…)."""
    return Initiative.objects.bulk_create(
        [
            Initiative(
                product=product,
                title=f"{prefix} {n:02d}",
                horizon=horizon,
                rank=(rank_from + n) * 1024,
                start_date=start + timedelta(days=n) if start else None,
                end_date=start + timedelta(days=n + 30) if start else None,
                **extra,
            )
            for n in range(count)
        ]
    )


def _cards(html: str) -> list[str]:
    return re.findall(r'data-initiative-id="\d+" data-title="([^"]+)"', html)


def _next_cursor(html: str, horizon: str) -> str | None:
    found = re.search(rf'/roadmap/columns/{horizon}/\?after=([0-9.-]+)"', html)
    return found and found.group(1)


def _queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


def test_a_column_shows_its_first_page_and_its_count(world):
    _make(world.product, BOARD_PAGE + 5)
    _make(world.product, 2, horizon="later", prefix="Later")
    html = world.client("viewer").get(_board_url(world.product)).content.decode()
    now = html[html.index('id="list-now"') : html.index('id="list-next"')]
    assert _cards(now) == [f"Card {n:02d}" for n in range(BOARD_PAGE)]
    assert f'data-col-count="now" aria-label="{BOARD_PAGE + 5} initiatives">{BOARD_PAGE + 5}<' in html
    assert 'data-col-count="later" aria-label="2 initiatives">2<' in html
    assert _next_cursor(html, "now") and _next_cursor(html, "later") is None  # Later is shown whole


def test_show_more_appends_the_next_page_in_order_without_duplicates(world):
    _make(world.product, 2 * BOARD_PAGE + 3)
    client = world.client("viewer")
    first = client.get(_board_url(world.product)).content.decode()
    shown = _cards(first[first.index('id="list-now"') : first.index('id="list-next"')])
    # Meanwhile someone puts a new initiative on top: a keyset page still starts after the last card shown.
    top = f.InitiativeFactory(product=world.product, title="Brand new", horizon="now")
    initiative_move(initiative=top, actor=world.users["admin"], position="top")
    cursor = _next_cursor(first, "now")
    second = client.get(_column_url(world.product, "now", cursor), **HX).content.decode()
    assert _cards(second) == [f"Card {n:02d}" for n in range(BOARD_PAGE, 2 * BOARD_PAGE)]
    assert 'hx-swap-oob="true"' in second and "data-page-first" in second
    third = client.get(_column_url(world.product, "now", _next_cursor(second, "now")), **HX).content.decode()
    assert _cards(third) == [f"Card {n:02d}" for n in range(2 * BOARD_PAGE, 2 * BOARD_PAGE + 3)]
    assert _next_cursor(third, "now") is None  # the end: no more "Show more"
    loaded = shown + _cards(second) + _cards(third)
    assert len(loaded) == len(set(loaded)) == 2 * BOARD_PAGE + 3


def test_unranked_initiatives_come_last_across_pages(world):
    _make(world.product, BOARD_PAGE - 1)
    _make(world.product, 3, prefix="Unranked")
    Initiative.objects.filter(title__startswith="Unranked").update(rank=0)  # made by a path that does not rank
    client = world.client("viewer")
    first = client.get(_board_url(world.product)).content.decode()
    page = _cards(first[first.index('id="list-now"') : first.index('id="list-next"')])
    assert page[-1] == "Unranked 00" and len(page) == BOARD_PAGE
    rest = _cards(client.get(_column_url(world.product, "now", _next_cursor(first, "now")), **HX).content.decode())
    assert rest == ["Unranked 01", "Unranked 02"]


def test_show_more_works_without_javascript(world):
    _make(world.product, BOARD_PAGE + 4)
    client = world.client("viewer")
    cursor = _next_cursor(client.get(_board_url(world.product)).content.decode(), "now")
    response = client.get(_column_url(world.product, "now", cursor))  # a plain link: no HX-Request
    assert response.status_code == 302 and response.url == _board_url(world.product, now_after=cursor)
    html = client.get(response.url).content.decode()
    assert _cards(html[html.index('id="list-now"') : html.index('id="list-next"')]) == [
        f"Card {n:02d}" for n in range(BOARD_PAGE, BOARD_PAGE + 4)
    ]
    assert "Back to the top of Now" in html


def test_a_column_shown_through_a_card_keeps_the_cards_show_more_loaded(world):
    cards = _make(world.product, 3 * BOARD_PAGE)
    client = world.client("viewer")
    last = cards[BOARD_PAGE + 4]
    html = client.get(_board_url(world.product, now_through=f"{last.rank}.{last.pk}")).content.decode()
    assert _cards(html[html.index('id="list-now"') : html.index('id="list-next"')]) == [
        f"Card {n:02d}" for n in range(BOARD_PAGE + 5)
    ]
    assert _next_cursor(html, "now") == f"{last.rank}.{last.pk}"  # "Show more" goes on from there
    assert (
        f"?now_after={last.rank}.{last.pk}" in html
        and "now_through" not in html.split('id="more-now"')[1].split("</div>")[0]
    )
    # A cursor before the first page's end shows the first page; never more than THROUGH_MAX cards.
    first = cards[2]
    html = client.get(_board_url(world.product, now_through=f"{first.rank}.{first.pk}")).content.decode()
    assert len(_cards(html[html.index('id="list-now"') : html.index('id="list-next"')])) == BOARD_PAGE
    _make(world.product, THROUGH_MAX, prefix="More", rank_from=1000)
    html = client.get(_board_url(world.product, now_through="999999999.0")).content.decode()
    assert len(_cards(html[html.index('id="list-now"') : html.index('id="list-next"')])) == THROUGH_MAX


def test_pages_of_another_workspace_are_not_found_and_never_leak(world):
    _make(world.other_product, 3, prefix="Rival")
    _make(world.product, 2)
    client = world.client("admin")
    assert client.get(_column_url(world.other_product, "now", "1024.1"), **HX).status_code == 404
    assert client.get(_column_url(world.product, "sideways", "1024.1"), **HX).status_code == 404
    rival = Initiative.objects.filter(product=world.other_product).order_by("rank").first()
    # A cursor naming another workspace's initiative pages our column only.
    html = client.get(_column_url(world.product, "now", f"0.{rival.pk}"), **HX).content.decode()
    assert "Rival" not in html
    for url in (
        _board_url(world.product),
        reverse("roadmap:timeline", kwargs={"product_id": world.product.pk}),
        reverse("roadmap:portfolio", kwargs={"workspace_id": world.workspace.pk}),
    ):
        assert "Rival" not in client.get(url).content.decode()
    assert (
        client.get(reverse("roadmap:portfolio", kwargs={"workspace_id": world.other_workspace.pk})).status_code == 404
    )


def test_moves_within_and_out_of_a_loaded_page_keep_the_order(world):
    cards = _make(world.product, BOARD_PAGE + 10)
    client = world.client("product_manager")
    move = lambda card, **data: client.post(  # noqa: E731
        reverse("roadmap:initiative_move", kwargs={"product_id": world.product.pk, "pk": card.pk}), data
    )
    # Within the second page (as the board sends it: the card's new neighbour as anchor).
    assert move(cards[BOARD_PAGE + 5], horizon="now", before=cards[BOARD_PAGE + 1].pk).status_code == 200
    # Dropped last of the first page, before the cards not loaded yet.
    assert move(cards[0], horizon="now", after=cards[BOARD_PAGE - 1].pk).status_code == 200
    # Out of a partial column to the top of another.
    assert move(cards[BOARD_PAGE + 9], horizon="next", position="top").status_code == 200
    order = list(
        Initiative.objects.filter(product=world.product, horizon="now")
        .order_by("rank", "id")
        .values_list("pk", flat=True)
    )
    expected = [c.pk for c in cards[1:BOARD_PAGE]] + [cards[0].pk, cards[BOARD_PAGE].pk, cards[BOARD_PAGE + 5].pk]
    expected += [c.pk for c in cards[BOARD_PAGE + 1 : BOARD_PAGE + 9] if c.pk != cards[BOARD_PAGE + 5].pk]
    assert order == expected
    html = client.get(_board_url(world.product)).content.decode()
    assert f'data-col-count="now" aria-label="{BOARD_PAGE + 9} initiatives">{BOARD_PAGE + 9}<' in html
    assert 'data-col-count="next" aria-label="1 initiative">1<' in html


def test_timeline_pages_keep_zoom_and_bound_the_unscheduled(world):
    start = date.today()
    _make(world.product, TIMELINE_PAGE + 7, start=start)
    _make(world.product, UNSCHEDULED_SHOWN + 4, prefix="Later", horizon="later")
    client = world.client("viewer")
    url = reverse("roadmap:timeline", kwargs={"product_id": world.product.pk})
    html = client.get(url + "?zoom=year").content.decode()
    assert html.count("data-bar ") == TIMELINE_PAGE
    assert f"Initiatives 1–{TIMELINE_PAGE} of {TIMELINE_PAGE + 7} scheduled" in html
    assert '?zoom=year&amp;page=2" rel="next"' in html
    assert html.count("· Later</span></li>") == UNSCHEDULED_SHOWN and "and 4 more" in html
    second = client.get(url + "?zoom=year&page=2").content.decode()
    assert second.count("data-bar ") == 7 and 'data-zoom="year"' in second
    assert f"Initiatives {TIMELINE_PAGE + 1}–{TIMELINE_PAGE + 7} of" in second
    assert '?zoom=year&amp;page=1" rel="prev"' in second and 'rel="next"' not in second
    # The window is the same on every page: it spans every scheduled initiative.
    window = re.search(r'data-start="([0-9-]+)" data-days="(\d+)"', html).groups()
    assert re.search(r'data-start="([0-9-]+)" data-days="(\d+)"', second).groups() == window
    # Zoom links keep the page; a page past the end shows the last one.
    assert '?zoom=month&amp;page=2"' in second
    assert "data-bar " in client.get(url + "?page=99").content.decode()


def test_portfolio_and_shared_roadmap_are_bounded_too(world):
    _make(world.product, BOARD_PAGE + 3, start=date.today())
    other = f.ProductFactory(workspace=world.workspace, name="Zeta", key="ZET")
    _make(other, TIMELINE_PAGE, prefix="Zeta", start=date.today())
    client = world.client("viewer")
    portfolio = client.get(reverse("roadmap:portfolio", kwargs={"workspace_id": world.workspace.pk})).content.decode()
    assert portfolio.count("data-bar ") == TIMELINE_PAGE
    assert f"Initiatives 1–{TIMELINE_PAGE} of {TIMELINE_PAGE + BOARD_PAGE + 3} scheduled" in portfolio
    _, token = share_link_create(product=world.product, actor=world.users["admin"], label="Board")
    shared = world.client(None).get(reverse("roadmap:shared", kwargs={"token": token}))
    html = shared.content.decode()
    board = html[html.index('id="list-now"') : html.index('id="list-next"')]
    assert len(re.findall(r"data-initiative-id", board)) == BOARD_PAGE
    assert "hx-get" not in html and "?now_after=" in html  # a plain link for visitors


@pytest.mark.parametrize("name", ["board", "column", "timeline", "portfolio", "shared"])
def test_queries_do_not_depend_on_the_number_of_initiatives(world, name):
    client = world.client("product_manager")
    _, token = share_link_create(product=world.product, actor=world.users["admin"], label="Board")
    theme = f.ThemeFactory(product=world.product)
    urls = {
        "board": (_board_url(world.product), {}),
        "column": (_column_url(world.product, "now", "1.1"), HX),
        "timeline": (reverse("roadmap:timeline", kwargs={"product_id": world.product.pk}), {}),
        "portfolio": (reverse("roadmap:portfolio", kwargs={"workspace_id": world.workspace.pk}), {}),
        "shared": (reverse("roadmap:shared", kwargs={"token": token}), {}),
    }
    url, headers = urls[name]
    start = date.today()

    def grow(count, prefix):
        made = []
        for horizon in ("now", "next", "later"):
            made += _make(world.product, count, horizon=horizon, prefix=f"{prefix}{horizon}", start=start, theme=theme)
            made += _make(world.product, 2, horizon=horizon, prefix=f"{prefix}{horizon}-open")
        for waiter, waited in zip(made[1:], made, strict=False):
            waiter.depends_on.add(waited)

    grow(1, "A")
    cache.clear()  # bulk_create bumps no figures: both measures compute the cached progress afresh
    few = _queries(client, url, **headers)
    grow(60, "B")
    cache.clear()
    many = _queries(client, url, **headers)
    assert few == many <= 16, (few, many)

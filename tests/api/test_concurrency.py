"""Many clients move items at once on PostgreSQL: ranks stay unique and no move is lost."""

import threading

import pytest
from django.db import connection

from backlog.models import BacklogItem
from tests import factories as f

from .conftest import token_client


@pytest.mark.usefixtures("postgres")
def test_concurrent_moves_keep_ranks_unique_and_lose_none(transactional_db):
    product = f.ProductFactory(key="CON")
    user = f.UserFactory(username="ranker")
    f.MembershipFactory(workspace=product.workspace, user=user, role="product_owner")
    # Ranks one apart: every move between neighbours has no gap and must rebalance under the lock.
    items = [f.BacklogItemFactory(product=product, title=f"i{n:02d}", number=n + 1, rank=n + 1) for n in range(60)]
    anchors, movers, toppers = items[:20], items[40:], items[20:40]
    clients = [token_client(user) for _ in range(20)]
    errors: list = []
    start = threading.Barrier(20)

    def work(n: int) -> None:
        try:
            start.wait()
            client = clients[n]
            response = client.post(f"/api/v1/items/{movers[n].pk}/move/", {"after": anchors[n].pk}, format="json")
            if response.status_code != 200:
                errors.append(response.content)
            response = client.post(f"/api/v1/items/{toppers[n].pk}/move/", {"position": "top"}, format="json")
            if response.status_code != 200:
                errors.append(response.content)
        except Exception as error:  # the assertion below reports it
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    rows = list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("title", "rank"))
    ranks = [rank for _, rank in rows]
    assert len(set(ranks)) == len(ranks) == 60
    titles = [title for title, _ in rows]
    # every "top" move: the 20 toppers are the first 20, in some order
    assert set(titles[:20]) == {t.title for t in toppers}
    # every "after" move: each mover sits right after its anchor
    expected_rest = [t for a, m in zip(anchors, movers, strict=True) for t in (a.title, m.title)]
    assert titles[20:] == expected_rest

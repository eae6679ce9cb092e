"""Many clients move items at once: ranks stay unique, no move is lost, and no request fails.

Runs on the configured database; on PostgreSQL the SQLite default (`make run` without
DATABASE_URL, a file database) is exercised too, by running this module again in a subprocess.
"""

import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from backlog.models import BacklogItem
from tests import factories as f

from .conftest import token_client

ROOT = Path(__file__).resolve().parents[2]
WHERE = [
    lambda anchor: {"before": anchor},
    lambda anchor: {"after": anchor},
    lambda anchor: {"position": "top"},
    lambda anchor: {"position": "bottom"},
]


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


def test_eight_clients_make_two_hundred_moves_without_a_server_error(transactional_db):
    product = f.ProductFactory(key="MIX")
    user = f.UserFactory(username="mover")
    f.MembershipFactory(workspace=product.workspace, user=user, role="product_owner")
    items = [f.BacklogItemFactory(product=product, title=f"m{n:02d}", number=n + 1, rank=n + 1) for n in range(30)]
    ids = [item.pk for item in items]
    statuses: list[int] = []
    errors: list[str] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        client = clients[n]
        moves = random.Random(n)
        try:
            start.wait()
            for _ in range(25):
                mover, anchor = moves.sample(ids, 2)
                where = moves.choice(WHERE)(anchor)
                response = client.post(f"/api/v1/items/{mover}/move/", where, format="json")
                statuses.append(response.status_code)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.content[:200]!r}")
        except Exception as error:  # the assertions below report it
            errors.append(repr(error))
        finally:
            connection.close()

    clients = [token_client(user) for _ in range(8)]
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == [] and len(statuses) == 200 and set(statuses) == {200}
    ranks = list(BacklogItem.objects.filter(product=product).values_list("rank", flat=True))
    assert len(ranks) == len(set(ranks)) == 30


def test_the_moves_hold_on_the_sqlite_default_too(db):
    """On PostgreSQL, run this module again on SQLite (a file database, as `make run` uses)."""
    if connection.vendor == "sqlite":
        pytest.skip("this run is on SQLite: the tests above cover it")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "not sqlite_default", __file__],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout

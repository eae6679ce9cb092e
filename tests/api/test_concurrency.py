"""Many clients move, edit and bulk-save items at once: ranks stay unique, no move or edit is lost,
and no request fails.

Runs on the configured database; on PostgreSQL the SQLite default (`make run` without
DATABASE_URL, a file database) is exercised too, by running this module again in a subprocess.
"""

import logging
import os
import random
import subprocess
import sys
import threading
from collections import defaultdict
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


def _run_clients(count: int, work, timeout: float = 180) -> None:
    start = threading.Barrier(count)

    def run(n: int) -> None:
        try:
            start.wait()
            work(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)


def test_bulk_saves_and_moves_of_the_same_items_take_their_locks_in_one_order(transactional_db, caplog):
    """Bulk saves (updates listed in any order, and creates) and moves of the same items at once:
    none fails, and none deadlocks (no transaction had to be run again: the lock order holds by itself)."""
    product = f.ProductFactory(key="ORD")
    user = f.UserFactory(username="orderer")
    f.MembershipFactory(workspace=product.workspace, user=user, role="product_owner")
    items = [f.BacklogItemFactory(product=product, title=f"o{n:02d}", number=n + 1, rank=n + 1) for n in range(12)]
    ids = [item.pk for item in items]
    clients = [token_client(user) for _ in range(8)]
    errors: list[str] = []
    caplog.set_level(logging.WARNING, logger="core.db")

    def work(n: int) -> None:
        client, moves = clients[n], random.Random(100 + n)
        for k in range(12):
            if n % 2:  # a bulk save: some of the items, highest id first, and a new item
                chosen = sorted(moves.sample(ids, 4), reverse=True)
                rows = [{"id": pk, "story_points": k} for pk in chosen] + [
                    {"product": product.pk, "title": f"b{n}-{k}"}
                ]
                response = client.post("/api/v1/items/bulk/", {"items": rows}, format="json")
            else:
                mover, anchor = moves.sample(ids, 2)
                where = moves.choice(WHERE)(anchor)
                response = client.post(f"/api/v1/items/{mover}/move/", where, format="json")
            if response.status_code != 200:
                errors.append(f"{response.status_code} {response.content[:200]!r}")

    try:
        _run_clients(8, work)
    except Exception as error:  # reported by the assertion below
        errors.append(repr(error))

    assert errors == []
    assert [r.getMessage() for r in caplog.records if r.name == "core.db"] == []
    ranks = list(BacklogItem.objects.filter(product=product).values_list("rank", flat=True))
    assert len(ranks) == len(set(ranks)) == 12 + 4 * 12


def test_eight_clients_mixing_moves_bulk_saves_and_if_match_edits_lose_nothing(transactional_db):
    """Every edit answered 2xx was made on the version its client read (If-Match, or the bulk row's
    version), and is either what the item ends with or was followed by a later 2xx edit of it: the
    versions the answers report are distinct per item and the highest is the item's own."""
    product = f.ProductFactory(key="MIXD")
    user = f.UserFactory(username="mixer")
    f.MembershipFactory(workspace=product.workspace, user=user, role="product_owner")
    items = [f.BacklogItemFactory(product=product, title=f"x{n:02d}", number=n + 1, rank=n + 1) for n in range(16)]
    ids = [item.pk for item in items]
    clients = [token_client(user) for _ in range(8)]
    errors: list[str] = []
    statuses: list[int] = []
    written: dict[int, list[tuple[int, str]]] = defaultdict(list)  # id -> [(version, title)] answered 2xx
    stale_accepted: list[str] = []
    created: list[int] = []
    lock = threading.Lock()

    def version_of(client, pk: int) -> int:
        return client.get(f"/api/v1/items/{pk}/").json()["version"]

    def work(n: int) -> None:
        client, moves = clients[n], random.Random(n)
        for k in range(25):
            action, token = moves.choice(("move", "patch", "patch", "bulk")), f"c{n}-{k}"
            if action == "move":
                mover, anchor = moves.sample(ids, 2)
                headers = {"HTTP_IF_MATCH": f'"{version_of(client, mover)}"'} if k % 2 else {}
                response = client.post(
                    f"/api/v1/items/{mover}/move/", moves.choice(WHERE)(anchor), format="json", **headers
                )
                expected = {200, 412}
            elif action == "patch":
                pk = moves.choice(ids)
                read = version_of(client, pk)
                response = client.patch(
                    f"/api/v1/items/{pk}/", {"title": token}, format="json", HTTP_IF_MATCH=f'"{read}"'
                )
                expected = {200, 412}
                if response.status_code == 200:
                    with lock:
                        written[pk].append((response.json()["version"], token))
                        if response.json()["version"] != read + 1:
                            stale_accepted.append(f"PATCH of {pk} read at {read}")
            else:
                chosen = moves.sample(ids, 3)
                rows = [{"id": pk, "version": version_of(client, pk), "title": f"{token}-{pk}"} for pk in chosen]
                rows.append({"product": product.pk, "title": f"{token}-new"})
                response = client.post("/api/v1/items/bulk/", {"items": rows}, format="json")
                expected = {200, 400}
                if response.status_code == 200:
                    with lock:
                        for row, sent in zip(response.json()["items"][:3], rows, strict=False):
                            written[row["id"]].append((row["version"], row["title"]))
                            if row["version"] != sent["version"] + 1:
                                stale_accepted.append(f"bulk row of {row['id']} read at {sent['version']}")
                        created.append(response.json()["items"][3]["id"])
                elif response.status_code == 400:  # only a stale version may refuse a row
                    rows_refused = response.json()["errors"]["items"].values()
                    if any(set(problems) != {"version"} for problems in rows_refused):
                        errors.append(f"bulk refused for another reason: {response.content[:300]!r}")
            statuses.append(response.status_code)
            if response.status_code not in expected:
                errors.append(f"{action} {response.status_code} {response.content[:200]!r}")

    try:
        _run_clients(8, work)
    except Exception as error:  # reported by the assertions below
        errors.append(repr(error))

    assert errors == [] and len(statuses) == 200
    assert not [s for s in statuses if s >= 500]
    assert stale_accepted == []
    final = dict(BacklogItem.objects.filter(pk__in=ids).values_list("pk", "version"))
    titles = dict(BacklogItem.objects.filter(pk__in=ids).values_list("pk", "title"))
    for pk, writes in written.items():
        versions = [version for version, _ in writes]
        assert len(versions) == len(set(versions)), f"two answered edits of {pk} claim the same version"
        last_version, last_title = max(writes)
        assert (final[pk], titles[pk]) == (last_version, last_title), f"an answered edit of {pk} was lost"
    assert sum(len(w) for w in written.values()) > 20  # the run did edit things
    ranks = list(BacklogItem.objects.filter(product=product).values_list("rank", flat=True))
    assert len(ranks) == len(set(ranks)) == 16 + len(created)


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
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout

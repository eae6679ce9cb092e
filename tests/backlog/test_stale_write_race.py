"""Two editors save the same loaded version at the same moment: exactly one save wins (PostgreSQL row lock)."""

import threading

import pytest
from django.db import connection

from backlog.models import BacklogItem
from backlog.services.items import StaleWriteError, item_update_checked
from tests import factories as f


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_saves_of_one_version_exactly_one_wins(postgres):
    item = f.BacklogItemFactory(product=f.ProductFactory(), title="Pay by link")
    barrier = threading.Barrier(2)
    outcomes = []

    def save(title):
        try:
            barrier.wait(timeout=10)
            item_update_checked(item=BacklogItem.objects.get(pk=item.pk), data={"title": title}, version=1, actor=None)
            outcomes.append(("saved", title))
        except StaleWriteError as error:
            outcomes.append(("refused", error.current.title))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("Pay by QR", "Pay by card")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    item.refresh_from_db()
    assert sorted(o[0] for o in outcomes) == ["refused", "saved"]
    winner = next(title for kind, title in outcomes if kind == "saved")
    loser_saw = next(title for kind, title in outcomes if kind == "refused")
    assert item.title == winner == loser_saw and item.version == 2

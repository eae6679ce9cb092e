"""Stakeholder updates: the weekly roadmap email, members and share-link followers, confirm and unsubscribe."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.models import RoadmapSnapshot, StakeholderSubscription
from notifications.selectors.roadmap_state import roadmap_changes
from notifications.services.stakeholders import stakeholder_update_send
from notifications.tasks import stakeholder_updates_weekly
from roadmap.models import Initiative
from roadmap.services.share_links import share_link_create, share_link_revoke
from tests import factories as f

pytestmark = pytest.mark.django_db


def _link_in(body: str, path: str) -> str:
    start = body.index(path)
    return body[start : body.index("\n", start)].strip()


def test_a_weekly_update_reports_moves_slips_health_and_shipped_releases(world, django_capture_on_commit_callbacks):
    executive = world.users["executive"]
    executive.email = "exec@example.com"
    executive.save()
    moved = f.InitiativeFactory(product=world.product, title="Wallets", horizon="later")
    slipped = f.InitiativeFactory(
        product=world.product, title="Ledger", horizon="now", start_date=date(2027, 1, 1), end_date=date(2027, 3, 1)
    )
    objective = f.ObjectiveFactory(workspace=world.workspace, product=world.product, title="Grow")
    release = f.ReleaseFactory(product=world.product, name="R1", status="in_progress")
    response = world.client("executive").post(
        reverse("notifications:product_updates", kwargs={"product_id": world.product.pk}), {"subscribe": "1"}
    )
    assert response.status_code == 302
    assert RoadmapSnapshot.objects.filter(product=world.product).count() == 1  # the baseline

    Initiative.objects.filter(pk=moved.pk).update(horizon="now")
    Initiative.objects.filter(pk=slipped.pk).update(end_date=date(2027, 4, 15))
    type(objective).objects.filter(pk=objective.pk).update(health="at_risk")
    type(release).objects.filter(pk=release.pk).update(status="released")
    f.InitiativeFactory(product=world.other_product, title="Rival secret", horizon="now")

    with django_capture_on_commit_callbacks(execute=True):
        assert stakeholder_updates_weekly() == 1
    assert [m.to for m in mail.outbox] == [["exec@example.com"]]
    body = mail.outbox[0].body
    assert "- Wallets: later → now" in body
    assert "- Ledger: end 2027-03-01 → 2027-04-15" in body
    assert "- Grow: not rated → at_risk" in body
    assert "- R1" in body
    assert "Rival secret" not in body
    assert mail.outbox[0].extra_headers["List-Unsubscribe"]

    # The same week again: nothing more is sent.
    assert stakeholder_update_send(product_id=world.product.pk) == 0
    assert len(mail.outbox) == 1
    # A week later with nothing changed: "Nothing moved".
    later = timezone.now() + timedelta(days=7)
    assert stakeholder_update_send(product_id=world.product.pk, now=later) == 1
    assert "Nothing moved this week." in mail.outbox[1].body


def test_a_share_link_follower_confirms_then_unsubscribes_without_an_account(
    client, world, django_capture_on_commit_callbacks
):
    link, token = share_link_create(product=world.product, actor=world.users["admin"], label="Board")
    follow = reverse("notifications:shared_follow", kwargs={"token": token})
    assert client.post(follow, {"email": "not an address"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(follow, {"email": "Board@Example.com"}).status_code == 200
    subscription = StakeholderSubscription.objects.get(product=world.product)
    assert (subscription.email, subscription.confirmed_at) == ("board@example.com", None)
    confirm_path = _link_in(mail.outbox[0].body, "http://127.0.0.1:8000/").split("8000", 1)[1]

    assert stakeholder_update_send(product_id=world.product.pk) == 0  # not confirmed: nothing sent
    assert client.get(confirm_path).status_code == 200
    assert client.post(confirm_path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    later = timezone.now() + timedelta(days=7)
    assert stakeholder_update_send(product_id=world.product.pk, now=later) == 1
    unsubscribe = _link_in(mail.outbox[-1].body, "http://127.0.0.1:8000/roadmap-updates/unsubscribe/")
    assert client.post(unsubscribe.split("8000", 1)[1]).status_code == 200
    assert not StakeholderSubscription.objects.exists()


def test_revoking_the_share_link_stops_its_followers_updates(world):
    link, _ = share_link_create(product=world.product, actor=world.users["admin"])
    StakeholderSubscription.objects.create(
        product=world.product, share_link=link, email="x@example.com", confirmed_at=timezone.now()
    )
    share_link_revoke(link=link, actor=world.users["admin"])
    assert stakeholder_update_send(product_id=world.product.pk) == 0


def test_following_a_revoked_or_unknown_link_is_not_found(client, world):
    link, token = share_link_create(product=world.product, actor=world.users["admin"])
    share_link_revoke(link=link, actor=world.users["admin"])
    assert (
        client.post(reverse("notifications:shared_follow", kwargs={"token": token}), {"email": "a@b.co"}).status_code
        == 404
    )
    assert not StakeholderSubscription.objects.exists()


def test_another_workspaces_product_updates_page_is_not_found(world):
    url = reverse("notifications:product_updates", kwargs={"product_id": world.product.pk})
    assert world.client("outsider").get(url).status_code == 404
    assert world.client("outsider").post(url, {"subscribe": "1"}).status_code == 404
    assert world.client("viewer").get(url).status_code == 200


horizons = st.sampled_from(["now", "next", "later"])
days = st.one_of(st.none(), st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
initiative = st.fixed_dictionaries(
    {"title": st.text(max_size=5), "horizon": horizons, "end": days, "status": st.just("planned")}
)
states = st.dictionaries(st.sampled_from([str(i) for i in range(8)]), initiative, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=states, after=states)
def test_changes_match_a_plain_comparison(before, after):
    def iso(state):
        return {k: {**v, "end": v["end"].isoformat() if v["end"] else None} for k, v in state.items()}

    changes = roadmap_changes(before={"initiatives": iso(before)}, after={"initiatives": iso(after)})
    common = [k for k in after if k in before]
    assert len(changes["moved"]) == sum(before[k]["horizon"] != after[k]["horizon"] for k in common)
    assert len(changes["slipped"]) == sum(
        bool(before[k]["end"] and after[k]["end"] and after[k]["end"] > before[k]["end"]) for k in common
    )
    assert len(changes["added"]) == len(set(after) - set(before))

"""Emails: the daily digest, unsubscribe without signing in, and a real worker sending through the outbox."""

import pytest
from django.core import mail, signing
from django.urls import reverse

from backlog.models import BacklogItem
from backlog.services.items import item_create, item_update
from notifications.models import EmailPreference, Notification, Watch
from notifications.services.email import notifications_digest_send, unsubscribe_token
from notifications.tasks import notifications_daily_digest
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db


def _watched_changes(world, titles):
    viewer = world.users["viewer"]
    viewer.email = "viewer@example.com"
    viewer.save()
    item = item_create(instance=BacklogItem(product=world.product, title="Start"), actor=world.users["admin"])
    Watch.objects.create(workspace=world.workspace, user=viewer, target_type="item", target_id=item.pk)
    for title in titles:
        item = item_update(item=BacklogItem.objects.get(pk=item.pk), data={"title": title}, actor=world.users["admin"])
    return viewer


def test_the_daily_digest_lists_each_unmailed_change_once(world, django_capture_on_commit_callbacks):
    viewer = _watched_changes(world, ["Checkout", "Checkout v2"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_daily_digest() == 1  # one digest task per recipient, through the outbox
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["viewer@example.com"]
    assert "2 updates" in message.subject
    assert "- admin_user changed: title: Checkout v2 (Acme)" in message.body
    assert "- admin_user changed: title: Checkout (Acme)" in message.body
    assert "/email/unsubscribe/" in message.body and message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert notifications_digest_send(user_id=viewer.pk) == 0  # a second run sends nothing again
    assert len(mail.outbox) == 1


def test_unsubscribe_works_without_signing_in_and_only_with_a_real_token(client, world):
    viewer = _watched_changes(world, ["Checkout"])
    token = unsubscribe_token(user_id=viewer.pk, what="digest")
    url = reverse("notifications:unsubscribe", kwargs={"token": token})
    assert client.get(url).status_code == 200  # asks first (link scanners only GET)
    assert not EmailPreference.objects.filter(user=viewer).exists()
    assert client.post(url).status_code == 200  # one click, no session, no CSRF token (RFC 8058)
    assert EmailPreference.objects.get(user=viewer).digest is False
    forged = signing.dumps({"u": world.users["admin"].pk, "w": "all"}, salt="something else")
    assert client.post(reverse("notifications:unsubscribe", kwargs={"token": forged})).status_code == 404
    assert not EmailPreference.objects.filter(user=world.users["admin"]).exists()
    notifications_digest_send(user_id=viewer.pk)
    assert mail.outbox == []  # the digest is off
    assert not Notification.objects.filter(recipient=viewer, emailed_at__isnull=True).exists()


@pytest.mark.worker
def test_a_real_worker_sends_the_assignment_email(world, celery_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dev = world.users["contributor"]
    dev.email = "dev@example.com"
    dev.save()
    item = item_create(instance=BacklogItem(product=world.product, title="Refunds"), actor=world.users["admin"])
    item_update(item=item, data={"owner": dev}, actor=world.users["admin"])
    assert wait_for(lambda: Notification.objects.filter(recipient=dev, emailed_at__isnull=False).exists())
    assert [m.to for m in mail.outbox] == [["dev@example.com"]]
    assert "assigned to you: Refunds" in mail.outbox[0].subject

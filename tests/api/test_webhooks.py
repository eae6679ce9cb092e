"""Webhooks: subscriptions by admins, the SSRF guard, signed deliveries after commit, retries and pausing."""

import contextlib
import hashlib
import hmac
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading

import pytest
import yaml
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from backlog.models import BacklogItem
from backlog.services.items import item_create
from core import events
from core.models import OutboxMessage
from integrations import targets
from integrations.delivery import DeliveryFailed, _record_outcome, delivery_attempt
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from integrations.targets import is_public_address
from integrations.webhooks import webhook_create, webhook_delete, webhook_event_names, webhook_ping, webhook_update
from tests import factories as f
from tests.conftest import wait_for

from .receiver import Receiver


def _signed_by(secret: str, request: dict) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(request["headers"]["X-PMHub-Signature-256"], expected)


@pytest.fixture
def allow_local(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8101/h",
        "http://10.0.0.5/h",
        "http://[::1]/h",
        "http://169.254.169.254/latest",
        # IPv6 transition forms that carry a private IPv4 address
        "http://[64:ff9b::a9fe:a9fe]/latest",  # NAT64 of the cloud metadata address
        "http://[64:ff9b:1::a00:5]/h",  # local-use NAT64
        "http://[2002:7f00:1::1]/h",  # 6to4 of 127.0.0.1
        "http://[::7f00:1]/h",  # IPv4-compatible 127.0.0.1
        "http://[::ffff:10.0.0.5]/h",  # IPv4-mapped
        "http://[fe80::5efe:a00:5]/h",  # ISATAP
    ],
)
def test_private_and_loopback_targets_are_refused(world, api, url):
    response = api("admin").post(
        "/api/v1/webhooks/", {"workspace": world.workspace.pk, "url": url, "events": ["item.created"]}, format="json"
    )
    assert response.status_code == 400
    assert "url" in response.json()["errors"]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "2001:4860:4860::8888", "93.184.216.34"])
def test_public_addresses_pass_the_guard_including_transition_forms_of_public_ipv4(address):

    assert is_public_address(address)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/h", "file:///etc/passwd", "http://user:pw@127.0.0.1/h"])
def test_only_http_urls_even_when_private_targets_are_allowed(world, api, allow_local, url):
    response = api("admin").post(
        "/api/v1/webhooks/", {"workspace": world.workspace.pk, "url": url, "events": ["item.created"]}, format="json"
    )
    assert response.status_code == 400


def test_unknown_events_are_refused(world, api, allow_local):
    response = api("admin").post(
        "/api/v1/webhooks/",
        {"workspace": world.workspace.pk, "url": "http://127.0.0.1:9/h", "events": ["item.exploded"]},
        format="json",
    )
    assert response.status_code == 400
    assert "events" in response.json()["errors"]


def test_the_secret_is_shown_once_and_not_stored(world, api, allow_local):
    client = api("admin")
    response = client.post(
        "/api/v1/webhooks/",
        {"workspace": world.workspace.pk, "url": "http://127.0.0.1:9/h", "events": ["item.*"]},
        format="json",
    )
    assert response.status_code == 201
    secret = response.json()["secret"]
    assert secret.startswith("whsec_")
    subscription = WebhookSubscription.objects.get()
    assert secret not in json.dumps([str(v) for v in subscription.__dict__.values()])
    assert "secret" not in client.get(f"/api/v1/webhooks/{subscription.pk}/").json()


def test_deliveries_are_signed_and_sent_only_after_commit(world, api, allow_local, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        response = api("admin").post(
            "/api/v1/webhooks/",
            {"workspace": world.workspace.pk, "url": receiver.url, "events": ["item.*"]},
            format="json",
        )
        secret = response.json()["secret"]

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            created = api("product_owner").post(
                "/api/v1/items/", {"product": world.product.pk, "title": "Refunds"}, format="json"
            )
        assert created.status_code == 201
        # Recorded with the write (the delivery row and its outbox message), sent only after the commit.
        assert receiver.requests == []
        assert WebhookDelivery.objects.get().attempts == 0
        assert OutboxMessage.objects.filter(task="integrations.tasks.webhook_deliver", sent_at=None).count() == 1

        for callback in callbacks:  # the commit happens: the outbox relays, the task runs (inline here)
            with django_capture_on_commit_callbacks(execute=True):
                callback()

    (request,) = receiver.requests
    assert _signed_by(secret, request)
    body = json.loads(request["body"])
    assert body["event"] == "item.created"
    assert body["data"]["id"] == created.json()["id"]
    assert body["id"] == request["headers"]["X-PMHub-Delivery"]
    assert body["created_at"] and request["headers"]["X-PMHub-Event"] == "item.created"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 200, 1)
    assert delivery.duration_ms is not None
    shown = api("admin").get(f"/api/v1/webhooks/{delivery.subscription_id}/deliveries/").json()["results"]
    assert [(d["event"], d["status"], d["response_code"]) for d in shown] == [("item.created", "succeeded", 200)]


def test_only_subscribed_events_of_the_workspace_are_delivered(world, allow_local, django_capture_on_commit_callbacks):
    webhook_create(workspace=world.workspace, url="http://127.0.0.1:9/h", events=["initiative.*"], actor=None)
    webhook_create(workspace=world.other_workspace, url="http://127.0.0.1:9/h", events=["item.*"], actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        item_create(instance=BacklogItem(product=world.product, title="x"), actor=world.users["admin"])

    assert not WebhookDelivery.objects.exists()


def test_deliveries_follow_the_subscriptions_as_they_change(
    world, allow_local, settings, django_capture_on_commit_callbacks
):
    """The workspace's subscriptions are cached between events (integrations.webhooks._matching): each
    creation, change, pause by failures, resumption and deletion must be seen by the next event."""

    def item_event() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            item_create(instance=BacklogItem(product=world.product, title="x"), actor=world.users["admin"])
        return WebhookDelivery.objects.filter(event="item.created").count()

    with Receiver(codes=[200] * 20) as receiver:
        assert item_event() == 0  # none yet: the (empty) list is cached
        subscription, _ = webhook_create(workspace=world.workspace, url=receiver.url, events=["item.*"], actor=None)
        assert item_event() == 1
        webhook_update(subscription=subscription, data={"events": ["initiative.*"]})
        assert item_event() == 1
        webhook_update(subscription=subscription, data={"events": ["item.created"]})
        assert item_event() == 2
        settings.WEBHOOK_PAUSE_AFTER_FAILURES = 1  # a failure pauses it: the row is updated, no model saved
        with django_capture_on_commit_callbacks(execute=True):
            _record_outcome(subscription_id=subscription.pk, ok=False)
        assert not WebhookSubscription.objects.get(pk=subscription.pk).is_active
        assert item_event() == 2
        subscription.refresh_from_db()
        webhook_update(subscription=subscription, data={"is_active": True})
        assert item_event() == 3
        assert len(receiver.requests) == 3
        webhook_delete(subscription=subscription)
        assert item_event() == 0  # deleted with its deliveries; no new one


def test_repeated_failures_pause_the_subscription_and_tell_the_admins(
    world, allow_local, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 3
    world.users["admin"].email = "admin@example.com"
    world.users["admin"].save()
    with Receiver(codes=[500] * 10) as receiver:
        subscription, _ = webhook_create(workspace=world.workspace, url=receiver.url, events=["ping"], actor=None)
        delivery = WebhookDelivery.objects.create(subscription=subscription, event="ping", payload={"x": 1})
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True), pytest.raises(DeliveryFailed):
                delivery_attempt(delivery_id=delivery.pk)

    subscription.refresh_from_db()
    delivery.refresh_from_db()
    assert not subscription.is_active and subscription.paused_at and "3 failed" in subscription.pause_reason
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.RETRYING, 3, 500)
    assert len(receiver.requests) == 3
    assert [m.to for m in mail.outbox] == [["admin@example.com"]]
    # a paused subscription sends nothing more
    delivery_attempt(delivery_id=delivery.pk)
    assert len(receiver.requests) == 3


@pytest.mark.worker
def test_a_real_worker_retries_with_backoff_until_the_receiver_answers(celery_worker, allow_local, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    product = f.ProductFactory()
    user = f.UserFactory()
    with Receiver(codes=[503, 500]) as receiver:
        subscription, secret = webhook_create(
            workspace=product.workspace, url=receiver.url, events=["item.created"], actor=None
        )
        with transaction.atomic():
            item_create(instance=BacklogItem(product=product, title="Refunds"), actor=user)

        delivered = wait_for(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).first(), timeout=20
        )

    assert delivered is not None
    assert delivered.attempts == 3 and delivered.response_code == 200
    assert len(receiver.requests) == 3
    assert all(_signed_by(secret, r) for r in receiver.requests)
    assert len({r["headers"]["X-PMHub-Delivery"] for r in receiver.requests}) == 1  # one event id, retried
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0 and subscription.is_active


def test_the_webhook_page_shows_deliveries_to_admins_only(world, allow_local, django_assert_max_num_queries):
    subscription, _ = webhook_create(
        workspace=world.workspace, url="http://127.0.0.1:9/h", events=["item.*"], actor=None
    )
    for n in range(25):
        WebhookDelivery.objects.create(
            subscription=subscription, event="item.created", payload={"n": n}, status="failed", response_code=500
        )
    url = reverse("integrations:webhook_list", kwargs={"workspace_id": world.workspace.pk})

    admin = world.client("admin")
    with django_assert_max_num_queries(8):
        response = admin.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<td>item.created</td>") == 25
    assert world.client("product_manager").get(url).status_code == 403
    assert world.client("outsider").get(url).status_code == 404


# ---- DNS rebinding -----------------------------------------------------------------------------
# 127.0.0.2 stands for a public address: the guard is told to take it for one. The attacker's name
# answers with it while it is checked, and with 127.0.0.1 (an internal service) afterwards.


@pytest.fixture
def rebinding(monkeypatch):
    real_getaddrinfo, real_is_public = socket.getaddrinfo, targets.is_public_address
    lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "hooks.example.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.2" if len(lookups) <= 2 else "127.0.0.1"  # the subscription's check, the delivery's
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(targets, "is_public_address", lambda address: address == "127.0.0.2" or real_is_public(address))
    return lookups


def test_a_delivery_connects_to_the_address_it_checked_not_to_a_rebound_one(
    world, rebinding, django_capture_on_commit_callbacks
):
    with Receiver(host="127.0.0.2") as public, Receiver(port=public.port) as internal:
        subscription, secret = webhook_create(
            workspace=world.workspace,
            url=f"http://hooks.example.test:{public.port}/hook?source=pmhub",
            events=["item.*"],
            actor=world.users["admin"],
        )
        with django_capture_on_commit_callbacks(execute=True):
            item_create(instance=BacklogItem(product=world.product, title="Refunds"), actor=world.users["admin"])

    assert internal.requests == []
    (request,) = public.requests
    assert request["headers"]["Host"] == f"hooks.example.test:{public.port}"
    assert request["path"] == "/hook?source=pmhub"
    assert _signed_by(secret, request)
    assert WebhookDelivery.objects.get(subscription=subscription).status == DeliveryStatus.SUCCEEDED
    assert len(rebinding) == 2  # checked once when subscribed, once for the delivery, and never looked up again


def test_https_deliveries_check_the_certificate_of_the_name_at_the_checked_address(
    world, rebinding, tmp_path, django_capture_on_commit_callbacks
):
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=hooks.example.test"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    names = []
    context.sni_callback = lambda connection, name, _: names.append(name)
    with socket.create_server(("127.0.0.2", 0)) as server:
        port = server.getsockname()[1]

        def accept_once():
            client, _ = server.accept()
            with contextlib.suppress(ssl.SSLError, OSError), context.wrap_socket(client, server_side=True):
                pass

        thread = threading.Thread(target=accept_once, daemon=True)
        thread.start()
        subscription, _ = webhook_create(
            workspace=world.workspace, url=f"https://hooks.example.test:{port}/", events=["ping"], actor=None
        )
        with django_capture_on_commit_callbacks(execute=False):
            delivery = webhook_ping(subscription=subscription)
        with pytest.raises(DeliveryFailed):
            delivery_attempt(delivery_id=delivery.pk)
        thread.join(timeout=10)

    delivery.refresh_from_db()
    assert names == ["hooks.example.test"]  # the name went in SNI although the socket went to 127.0.0.2
    assert delivery.status != DeliveryStatus.SUCCEEDED
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.error  # a self-signed certificate is not trusted


# ---- the events a subscription may name: the registry's --------------------------------------


def test_a_subscription_to_initiative_moved_is_accepted_and_delivered(
    world, api, allow_local, django_capture_on_commit_callbacks
):
    initiative = f.InitiativeFactory(product=world.product, horizon="now")
    with Receiver() as receiver:
        response = api("admin").post(
            "/api/v1/webhooks/",
            {"workspace": world.workspace.pk, "url": receiver.url, "events": ["initiative.moved"]},
            format="json",
        )
        assert response.status_code == 201, response.json()
        move = reverse("roadmap:initiative_move", kwargs={"product_id": world.product.pk, "pk": initiative.pk})
        with django_capture_on_commit_callbacks(execute=True):
            moved = world.client("product_manager").post(move, {"horizon": "next", "position": "top"})
        assert moved.status_code == 200

    (request,) = receiver.requests
    assert _signed_by(response.json()["secret"], request)
    body = json.loads(request["body"])
    assert (body["event"], body["data"]["id"], body["data"]["horizon"]) == ("initiative.moved", initiative.pk, "next")


def test_every_webhook_event_of_the_registry_may_be_subscribed_to_and_internal_ones_may_not(world, allow_local):
    offered = [e.name for e in events.registered() if e.webhook]
    internal = [e.name for e in events.registered() if not e.webhook]
    assert "initiative.moved" in offered and "ping" in offered and "item.saved" in internal

    assert webhook_event_names() == offered
    for name in offered:
        webhook_create(workspace=world.workspace, url="http://127.0.0.1:9/h", events=[name], actor=None)
    for name in internal:
        with pytest.raises(ValidationError, match="Unknown event"):
            webhook_create(workspace=world.workspace, url="http://127.0.0.1:9/h", events=[name], actor=None)
    assert WebhookSubscription.objects.count() == len(offered)


def test_internal_events_are_not_delivered_even_to_a_matching_pattern(
    world, allow_local, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        webhook_create(workspace=world.workspace, url=receiver.url, events=["item.*"], actor=None)
        with django_capture_on_commit_callbacks(execute=True):
            events.publish(event="item.saved", workspace_id=world.workspace.pk, data={"id": 1, "changed": ["title"]})
            events.publish(event="item.deleted", workspace_id=world.workspace.pk, data={"id": 1})

    assert [json.loads(r["body"])["event"] for r in receiver.requests] == ["item.deleted"]
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["item.deleted"]


def test_the_api_docs_and_the_webhook_page_list_the_registry_events(world):
    offered = [e for e in events.registered() if e.webhook]
    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    events_field = schema["components"]["schemas"]["WebhookCreatedRequest"]["properties"]["events"]["items"]

    kinds = sorted({e.name.split(".")[0] + ".*" for e in offered if "." in e.name})
    enum_name = events_field["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][enum_name]["enum"] == [e.name for e in offered] + kinds + ["*"]
    assert all(f"`{e.name}`: {e.description}" in events_field["description"] for e in offered)
    page = world.client("admin").get(reverse("integrations:webhook_list", kwargs={"workspace_id": world.workspace.pk}))
    shown = re.findall(r"<tr><td><code>([a-z_.]+)</code></td><td>", page.content.decode())
    assert shown == [e.name for e in offered]


@pytest.mark.parametrize(
    "events, accepted",
    [
        (["item.*"], True),
        (["*"], True),
        (["item.created", "initiative.*"], True),
        (["item.c*"], False),
        (["it?m.*"], False),
    ],
)
def test_a_subscription_names_events_kinds_or_all_as_the_schema_lists_them(world, api, allow_local, events, accepted):
    body = {"workspace": world.workspace.pk, "url": "http://127.0.0.1:9/h", "events": events}

    response = api("admin").post("/api/v1/webhooks/", body, format="json")

    assert response.status_code == (201 if accepted else 400), response.content
    assert WebhookSubscription.objects.exists() == accepted

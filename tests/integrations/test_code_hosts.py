"""Delivery sync: GitHub and GitLab webhooks verified per provider, linking and closing items, idempotent."""

import hashlib
import hmac
import json
import uuid

import pytest
from django.urls import reverse

from backlog.models import BacklogItem, ExternalLink
from integrations.codehosts import code_host_create, references
from integrations.models import CodeHostDelivery
from tests import factories as f
from tests.api.conftest import token_client


@pytest.fixture
def github(world):
    return code_host_create(workspace=world.workspace, provider="github", name="acme/pay", actor=world.users["admin"])


@pytest.fixture
def gitlab(world):
    return code_host_create(workspace=world.workspace, provider="gitlab", name="acme/pay", actor=world.users["admin"])


@pytest.fixture
def items(world):
    made = {
        n: f.BacklogItemFactory(product=world.product, title=f"Item {n}", number=n, rank=n * 1024) for n in (12, 13, 14)
    }
    f.BacklogItemFactory(product=world.other_product, title="Rival 12", number=12, rank=1024)
    return made


def _pull_request(action="closed", merged=True, body="Fixes PAY-12, PAY-13\\n\\nAlso touches PAY-14 and RIV-12."):
    return {
        "action": action,
        "number": 42,
        "pull_request": {
            "url": "https://api.github.com/repos/acme/pay/pulls/42",
            "html_url": "https://github.com/acme/pay/pull/42",
            "number": 42,
            "state": "closed" if action == "closed" else "open",
            "title": "Save cards at checkout",
            "body": body.replace("\\n", "\n"),
            "merged": merged,
            "merged_at": "2025-11-12T15:04:05Z" if merged else None,
            "head": {"ref": "feature/PAY-12-save-cards", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"},
            "base": {"ref": "main"},
        },
        "repository": {
            "id": 1296269,
            "full_name": "acme/pay",
            "default_branch": "main",
            "html_url": "https://github.com/acme/pay",
        },
        "sender": {"login": "ada"},
    }


def _send_github(client, integration, secret, payload, *, event="pull_request", delivery=None, signature=None):
    body = json.dumps(payload).encode()
    headers = {
        "HTTP_X_GITHUB_EVENT": event,
        "HTTP_X_GITHUB_DELIVERY": delivery or str(uuid.uuid4()),
        "HTTP_USER_AGENT": "GitHub-Hookshot/abc123",
    }
    if signature is not False:
        headers["HTTP_X_HUB_SIGNATURE_256"] = (
            signature or "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        )
    url = reverse("integrations:code_host_hook", kwargs={"provider": "github", "hook_id": integration.hook_id})
    return client.post(url, body, content_type="application/json", **headers)


def test_references_find_keys_and_closing_keywords():
    named, closing = references("Fixes PAY-12, PAY-13 and PAY-14; see PAY-15. closes: ops-3\nresolved PAY-16")
    assert named == ["PAY-12", "PAY-13", "PAY-14", "PAY-15", "OPS-3", "PAY-16"]
    assert closing == {"PAY-12", "PAY-13", "PAY-14", "OPS-3", "PAY-16"}
    assert references("prefix PAY-12x and XPAY-1") == (["XPAY-1"], set())


def test_a_merged_pull_request_links_and_closes_the_items_it_fixes(world, client, github, items):
    integration, secret = github

    response = _send_github(client, integration, secret, _pull_request())

    assert response.status_code == 200
    assert response.json() == {
        "linked": ["PAY-12", "PAY-13", "PAY-14"],
        "closed": ["PAY-12", "PAY-13"],
        "unknown": ["RIV-12"],
    }
    statuses = dict(BacklogItem.objects.filter(product=world.product).values_list("number", "status"))
    assert statuses == {12: "done", 13: "done", 14: "new"}  # PAY-14 is only mentioned
    link = ExternalLink.objects.get(item=items[12])
    assert (link.url, link.key, link.kind, link.state) == (
        "https://github.com/acme/pay/pull/42",
        "acme/pay#42",
        "pull_request",
        "merged",
    )
    assert not ExternalLink.objects.filter(item__product=world.other_product).exists()  # another workspace's RIV-12
    page = world.client("viewer").get(
        reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": items[12].pk})
    )
    assert "https://github.com/acme/pay/pull/42" in page.content.decode() and "acme/pay#42" in page.content.decode()


def test_an_open_pull_request_links_without_closing_and_closing_can_be_turned_off(world, client, github, items):
    integration, secret = github
    _send_github(client, integration, secret, _pull_request(action="opened", merged=False))
    assert BacklogItem.objects.get(pk=items[12].pk).status == "new"
    assert ExternalLink.objects.get(item=items[12]).state == "open"

    integration.close_on_merge = False
    integration.save()
    _send_github(client, integration, secret, _pull_request())
    assert BacklogItem.objects.get(pk=items[12].pk).status == "new"
    assert ExternalLink.objects.get(item=items[12]).state == "merged"  # the same link, updated


def test_signatures_missing_invalid_other_secret_and_replays(world, client, github, items):
    integration, secret = github
    payload = _pull_request()

    assert _send_github(client, integration, secret, payload, signature=False).status_code == 401
    assert _send_github(client, integration, secret, payload, signature="sha256=" + "0" * 64).status_code == 401
    other, other_secret = code_host_create(workspace=world.workspace, provider="github", name="other", actor=None)
    assert _send_github(client, integration, other_secret, payload).status_code == 401
    assert not CodeHostDelivery.objects.exists() and BacklogItem.objects.get(pk=items[12].pk).status == "new"

    first = _send_github(client, integration, secret, payload, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    BacklogItem.objects.filter(pk=items[12].pk).update(status="in_progress")  # someone reopened it since
    replay = _send_github(client, integration, secret, payload, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")

    assert first.status_code == replay.status_code == 200
    assert replay.json() == {"duplicate": True}
    assert BacklogItem.objects.get(pk=items[12].pk).status == "in_progress"  # the replay did nothing again
    assert CodeHostDelivery.objects.filter(integration=integration).count() == 1
    assert ExternalLink.objects.filter(item=items[12]).count() == 1


def test_unknown_or_inactive_hooks_and_bad_bodies(world, client, github):
    integration, secret = github
    url = reverse("integrations:code_host_hook", kwargs={"provider": "github", "hook_id": uuid.uuid4()})
    assert client.post(url, b"{}", content_type="application/json").status_code == 404
    wrong_provider = reverse(
        "integrations:code_host_hook", kwargs={"provider": "gitlab", "hook_id": integration.hook_id}
    )
    assert (
        client.post(wrong_provider, b"{}", content_type="application/json", HTTP_X_GITLAB_TOKEN=secret).status_code
        == 404
    )
    body = b"not json"
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    hook = reverse("integrations:code_host_hook", kwargs={"provider": "github", "hook_id": integration.hook_id})
    response = client.post(
        hook, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature, HTTP_X_GITHUB_EVENT="push"
    )
    assert response.status_code == 400
    ping = _send_github(client, integration, secret, {"zen": "Keep it logically awesome.", "hook_id": 1}, event="ping")
    assert ping.json() == {"pong": True}
    integration.is_active = False
    integration.save()
    assert _send_github(client, integration, secret, _pull_request()).status_code == 404


def test_github_push_to_the_default_branch_closes_fixed_items(world, client, github, items):
    integration, secret = github
    push = {
        "ref": "refs/heads/main",
        "before": "0" * 40,
        "after": "1" * 40,
        "repository": {"full_name": "acme/pay", "default_branch": "main"},
        "commits": [
            {
                "id": "a" * 40,
                "message": "Resolve PAY-14: handle declined cards\n\nDetails.",
                "url": "https://github.com/acme/pay/commit/" + "a" * 40,
            },
            {
                "id": "b" * 40,
                "message": "Refactor, see PAY-13",
                "url": "https://github.com/acme/pay/commit/" + "b" * 40,
            },
        ],
    }
    _send_github(client, integration, secret, {**push, "ref": "refs/heads/feature"}, event="push")
    assert BacklogItem.objects.get(pk=items[14].pk).status == "new"  # not on the default branch yet

    response = _send_github(client, integration, secret, push, event="push")

    assert response.json()["closed"] == ["PAY-14"]
    link = ExternalLink.objects.get(item=items[13])
    assert (link.kind, link.key, link.title) == ("commit", "acme/pay@bbbbbbbbbbbb", "Refactor, see PAY-13")


def _send_gitlab(client, integration, token, payload, *, event, idempotency=None):
    url = reverse("integrations:code_host_hook", kwargs={"provider": "gitlab", "hook_id": integration.hook_id})
    headers = {"HTTP_X_GITLAB_EVENT": event, "HTTP_X_GITLAB_EVENT_UUID": str(uuid.uuid4())}
    if token is not None:
        headers["HTTP_X_GITLAB_TOKEN"] = token
    if idempotency:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def test_gitlab_merge_request_hook_token_and_idempotency_key(world, client, gitlab, items):
    integration, token = gitlab
    merge = {
        "object_kind": "merge_request",
        "event_type": "merge_request",
        "user": {"username": "ada"},
        "project": {"id": 15, "path_with_namespace": "acme/pay", "default_branch": "main"},
        "object_attributes": {
            "iid": 7, "title": "Closes PAY-12", "description": "", "state": "merged", "action": "merge",
            "url": "https://gitlab.example.com/acme/pay/-/merge_requests/7",
            "source_branch": "pay-12", "target_branch": "main",
        },
    }  # fmt: skip

    assert _send_gitlab(client, integration, None, merge, event="Merge Request Hook").status_code == 401
    assert _send_gitlab(client, integration, "wrong", merge, event="Merge Request Hook").status_code == 401
    first = _send_gitlab(client, integration, token, merge, event="Merge Request Hook", idempotency="k-1")
    retry = _send_gitlab(client, integration, token, merge, event="Merge Request Hook", idempotency="k-1")

    assert first.json()["closed"] == ["PAY-12"] and retry.json() == {"duplicate": True}
    link = ExternalLink.objects.get(item=items[12])
    assert (link.kind, link.key, link.state) == ("merge_request", "acme/pay!7", "merged")


def test_code_host_api_shows_the_secret_once_and_the_deliveries_to_admins(world, client, items):
    api = token_client(world.users["admin"])
    created = api.post(
        "/api/v1/code-hosts/",
        {"workspace": world.workspace.pk, "provider": "github", "name": "acme/pay"},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("chsec_") and body["hook_url"].endswith(
        f"/hooks/github/{body['hook_url'].split('/')[-2]}/"
    )
    assert "secret" not in api.get(f"/api/v1/code-hosts/{body['id']}/").json()
    integration = world.workspace.code_hosts.get(pk=body["id"])
    _send_github(client, integration, body["secret"], _pull_request())
    deliveries = api.get(f"/api/v1/code-hosts/{body['id']}/deliveries/").json()["results"]
    assert deliveries[0]["result"]["closed"] == ["PAY-12", "PAY-13"]
    assert token_client(world.users["product_owner"]).get(f"/api/v1/code-hosts/{body['id']}/").status_code == 403


def test_links_are_added_and_removed_on_the_item_page_by_item_editors(world, items):
    item = items[12]
    url = reverse("backlog:link_add", kwargs={"product_id": world.product.pk, "pk": item.pk})
    data = {"url": "https://jira.example.com/browse/OLD-7", "key": "OLD-7"}

    assert world.client("viewer").post(url, data).status_code == 403
    assert world.client("outsider").post(url, data).status_code == 404
    assert world.client("contributor").post(url, data).status_code == 302
    assert world.client("contributor").post(url, {"url": "not a url", "key": "X"}).status_code == 200  # form error
    link = ExternalLink.objects.get(item=item)
    delete = reverse("backlog:link_delete", kwargs={"product_id": world.product.pk, "pk": link.pk})
    assert world.client("viewer").post(delete).status_code == 403
    other = reverse("backlog:link_delete", kwargs={"product_id": world.other_product.pk, "pk": link.pk})
    assert world.client("outsider").post(other).status_code == 404
    assert world.client("contributor").post(delete).status_code == 302
    assert not ExternalLink.objects.exists()

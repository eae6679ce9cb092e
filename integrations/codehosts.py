"""Delivery sync with code hosts: GitHub and GitLab webhooks that link pull/merge requests and commits
to the items they name, and move an item to done when a merge says it fixes it.

Verification follows each provider's documented scheme. GitHub signs the raw body with the
webhook's secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`; the delivery's id is
`X-GitHub-Delivery` and the event `X-GitHub-Event`. GitLab sends the secret token back as
`X-Gitlab-Token` (compared in constant time); the event is `X-Gitlab-Event`, the delivery's id
`Idempotency-Key` (GitLab 17.4+, the same on retries), else `X-Gitlab-Event-UUID`, else the body's
digest. A delivery id seen before is answered without doing anything again.

An item key is the product key and the item's number, as items are shown (PAY-12). A key right
after a closing keyword — close(s|d), fix(es|ed), resolve(s|d), and any keys listed after it
("Fixes PAY-12, PAY-13") — closes the item when the pull/merge request is merged, or when the
commit is pushed to the default branch.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from backlog.models import DONE_STATUSES, BacklogItem, ExternalLinkKind, ItemStatus
from backlog.services.items import item_lock, item_update
from backlog.services.links import external_link_save
from core.services import instance_create, instance_update

from .models import CodeHostDelivery, CodeHostIntegration, CodeHostProvider

KEY = r"\b[A-Z][A-Z0-9]{1,9}-\d{1,9}\b"
_REFERENCE = re.compile(
    rf"(?P<close>\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+)?(?P<keys>{KEY}(?:(?:\s*,\s*|\s+and\s+|\s+){KEY})*)",
    re.IGNORECASE,
)
_KEY = re.compile(KEY)
TEXT_MAX = 65_536  # of a title, body or message read for keys


class VerificationError(Exception):
    """The delivery is not from the code host (missing or wrong signature or token)."""


def hook_secret(integration: CodeHostIntegration) -> str:
    """The webhook secret: derived, never stored (see CodeHostIntegration)."""
    key = hmac.new(settings.SECRET_KEY.encode(), f"codehost:{integration.secret_salt}".encode(), hashlib.sha256)
    return "chsec_" + key.hexdigest()


def verify(*, integration: CodeHostIntegration, headers, body: bytes) -> None:
    secret = hook_secret(integration)
    if integration.provider == CodeHostProvider.GITHUB:
        given = headers.get("X-Hub-Signature-256", "")
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not given:
            raise VerificationError("The delivery has no X-Hub-Signature-256 header.")
    else:
        given, expected = headers.get("X-Gitlab-Token", ""), secret
        if not given:
            raise VerificationError("The delivery has no X-Gitlab-Token header.")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise VerificationError("The signature does not match this integration's secret.")


def delivery_id(*, integration: CodeHostIntegration, headers, body: bytes) -> str:
    if integration.provider == CodeHostProvider.GITHUB:
        found = headers.get("X-GitHub-Delivery", "")
    else:
        found = headers.get("Idempotency-Key", "") or headers.get("X-Gitlab-Event-UUID", "")
    return (found or "sha256:" + hashlib.sha256(body).hexdigest())[:100]


def references(text: str) -> tuple[list[str], set[str]]:
    """(keys named, keys named after a closing keyword) in a title, description or commit message."""
    named, closing = [], set()
    for match in _REFERENCE.finditer((text or "")[:TEXT_MAX]):
        keys = [k.upper() for k in _KEY.findall(match.group("keys").upper())]
        named += keys
        if match.group("close"):
            closing.update(keys)
    return list(dict.fromkeys(named)), closing


def _items(workspace_id: int, keys) -> dict[str, BacklogItem]:
    wanted: dict[str, set[int]] = {}
    for key in keys:
        product_key, number = key.rsplit("-", 1)
        wanted.setdefault(product_key, set()).add(int(number))
    found = {}
    for product_key, numbers in wanted.items():
        items = BacklogItem.objects.select_related("product").filter(
            product__workspace_id=workspace_id, product__key=product_key, number__in=numbers
        )
        found.update({item.key: item for item in items})
    return found


def _change(*, url, key: str, kind: str, title, state: str, text: list, closes: bool) -> dict:
    return {
        "url": url or "",
        "key": key,
        "kind": kind,
        "title": str(title or ""),
        "state": state,
        "text": "\n".join(str(part or "") for part in text),
        "closes": closes,
    }


def _changes(integration: CodeHostIntegration, event: str, payload: dict) -> list[dict]:
    """What a delivery reports, as links: [{url, key, kind, title, state, text, closes}]."""
    if not isinstance(payload, dict):
        return []
    if integration.provider == CodeHostProvider.GITHUB:
        repository = payload.get("repository") or {}
        repo = repository.get("full_name", "")
        if event == "pull_request" and isinstance(payload.get("pull_request"), dict):
            pr = payload["pull_request"]
            merged = bool(pr.get("merged"))
            state = "merged" if merged else str(pr.get("state") or "")
            branch = (pr.get("head") or {}).get("ref")
            return [
                _change(
                    url=pr.get("html_url"), key=f"{repo}#{pr.get('number')}", kind=ExternalLinkKind.PULL_REQUEST,
                    title=pr.get("title"), state=state, text=[pr.get("title"), pr.get("body"), branch],
                    closes=merged and payload.get("action") == "closed",
                )
            ]  # fmt: skip
        if event == "push":
            default = f"refs/heads/{repository.get('default_branch', '')}"
            return _commits(payload, repo, on_default=payload.get("ref") == default)
        return []
    project = payload.get("project") or {}
    path = project.get("path_with_namespace", "")
    if payload.get("object_kind") == "merge_request" and isinstance(payload.get("object_attributes"), dict):
        mr = payload["object_attributes"]
        merged = mr.get("state") == "merged" or mr.get("action") == "merge"
        return [
            _change(
                url=mr.get("url"), key=f"{path}!{mr.get('iid')}", kind=ExternalLinkKind.MERGE_REQUEST,
                title=mr.get("title"), state="merged" if merged else str(mr.get("state") or ""),
                text=[mr.get("title"), mr.get("description"), mr.get("source_branch")], closes=merged,
            )
        ]  # fmt: skip
    if payload.get("object_kind") == "push":
        default = f"refs/heads/{project.get('default_branch', '')}"
        return _commits(payload, path, on_default=payload.get("ref") == default)
    return []


def _commits(payload: dict, repo: str, *, on_default: bool) -> list[dict]:
    found = []
    for commit in (payload.get("commits") or [])[:100]:
        if not isinstance(commit, dict):
            continue
        message = str(commit.get("message") or "")
        sha = str(commit.get("id", ""))[:12]
        found.append(
            _change(
                url=commit.get("url"), key=f"{repo}@{sha}", kind=ExternalLinkKind.COMMIT,
                title=message.split("\n", 1)[0][:250], state="pushed", text=[message], closes=on_default,
            )
        )  # fmt: skip
    return found


@transaction.atomic
def code_host_delivery_receive(*, integration: CodeHostIntegration, event: str, delivery: str, payload: dict) -> dict:
    """Record the delivery (once) and apply it; returns what it did. Caller has verified it."""
    try:
        with transaction.atomic():
            record = CodeHostDelivery.objects.create(integration=integration, delivery_id=delivery, event=event[:60])
    except IntegrityError:
        return {"duplicate": True}
    linked, closed, unknown = [], [], []
    for change in _changes(integration, event, payload):
        url = str(change["url"])[:500]
        if not url.startswith(("https://", "http://")):
            continue
        named, closing = references(change["text"])
        items = _items(integration.workspace_id, named)
        unknown += [key for key in named if key not in items]
        for key, item in items.items():
            fields = {k: str(change[k])[:250] if k == "title" else change[k] for k in ("key", "kind", "title", "state")}
            fields["key"] = str(fields["key"])[:120]
            try:
                external_link_save(item=item, url=url, actor=None, **fields)
            except ValidationError:
                continue
            linked.append(key)
            if change["closes"] and key in closing and integration.close_on_merge:
                current = item_lock(item.pk)
                if current.status not in DONE_STATUSES:
                    item_update(item=current, data={"status": ItemStatus.DONE}, actor=None)
                    closed.append(key)
    result = {"linked": sorted(set(linked)), "closed": sorted(set(closed)), "unknown": sorted(set(unknown))}
    record.result = result
    record.save(update_fields=["result"])
    return result


@transaction.atomic
def code_host_create(
    *, workspace, provider: str, name: str, close_on_merge: bool = True, actor
) -> tuple[CodeHostIntegration, str]:
    """Create an integration; returns (integration, secret). The secret is shown once."""
    integration = CodeHostIntegration(
        workspace=workspace,
        provider=provider,
        name=name,
        close_on_merge=close_on_merge,
        secret_salt=secrets.token_hex(16),
    )
    integration = instance_create(instance=integration, actor=actor)
    return integration, hook_secret(integration)


@transaction.atomic
def code_host_update(*, integration: CodeHostIntegration, data: dict) -> CodeHostIntegration:
    return instance_update(instance=integration, data=data)[0]

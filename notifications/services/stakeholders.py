"""Stakeholder updates: a weekly "what changed on the roadmap" email per product.

Members (executives, typically) subscribe as themselves; a follower of a share link subscribes with an
address and confirms it through a signed link sent there. Each update compares the roadmap with the
snapshot the previous update took, then takes a new one. Every email unsubscribes without signing in.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.outbox import enqueue
from products.models import Product
from workspaces.selectors import users_of_workspace

from ..models import RoadmapSnapshot, StakeholderSubscription
from ..selectors.roadmap_state import roadmap_changes, roadmap_state

CONFIRM_SALT = "notifications.stakeholder.confirm"
UNSUBSCRIBE_SALT = "notifications.stakeholder.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)
FOLLOWERS_MAX = 500  # per product: a share link is public, its follow form must not fill the table
WEEKLY_GAP = timedelta(days=6)


def _token(salt: str, subscription: StakeholderSubscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=salt, compress=True)


def _subscription_for(token: str, salt: str, max_age=None) -> StakeholderSubscription | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return StakeholderSubscription.objects.filter(pk=data.get("s"), email=data.get("e")).first()


def _snapshot_ensure(product_id: int) -> None:
    """The first subscriber's update compares with the roadmap as it was when they subscribed."""
    if not RoadmapSnapshot.objects.filter(product_id=product_id).exists():
        RoadmapSnapshot.objects.create(product_id=product_id, data=roadmap_state(product_id=product_id))


@transaction.atomic
def stakeholder_subscribe_member(*, user, product) -> StakeholderSubscription:
    if not user.email:
        raise ValidationError("Add an email address to your account first: the update is sent by email.")
    subscription, _ = StakeholderSubscription.objects.update_or_create(
        product=product,
        email=user.email.lower(),
        defaults={"user": user, "share_link": None, "confirmed_at": timezone.now()},
    )
    _snapshot_ensure(product.pk)
    return subscription


@transaction.atomic
def stakeholder_unsubscribe_member(*, user, product) -> None:
    StakeholderSubscription.objects.filter(product=product, user=user).delete()


@transaction.atomic
def stakeholder_follow(*, share_link, email: str) -> StakeholderSubscription:
    """A share link's reader asks for the weekly update: record the address unconfirmed and mail a confirm link.

    An address already confirmed stays as it is (and gets no mail: the form does not tell who follows).
    """
    email = email.strip().lower()
    existing = StakeholderSubscription.objects.filter(product_id=share_link.product_id, email=email).first()
    if existing is not None:
        if existing.confirmed_at is None:
            enqueue("notifications.tasks.stakeholder_confirm_send", subscription_id=existing.pk)
        return existing
    if StakeholderSubscription.objects.filter(product_id=share_link.product_id).count() >= FOLLOWERS_MAX:
        raise ValidationError("This roadmap has as many followers as it may have.")
    subscription = StakeholderSubscription(product_id=share_link.product_id, share_link=share_link, email=email)
    subscription.full_clean()
    subscription.save()
    enqueue("notifications.tasks.stakeholder_confirm_send", subscription_id=subscription.pk)
    return subscription


@transaction.atomic
def stakeholder_confirm(*, token: str) -> StakeholderSubscription | None:
    subscription = _subscription_for(token, CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if subscription is None:
        return None
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
        _snapshot_ensure(subscription.product_id)
    return subscription


@transaction.atomic
def stakeholder_unsubscribe(*, token: str) -> bool:
    subscription = _subscription_for(token, UNSUBSCRIBE_SALT)
    if subscription is None:
        return False
    subscription.delete()
    return True


def stakeholder_confirm_send(*, subscription_id: int) -> bool:
    subscription = (
        StakeholderSubscription.objects.filter(pk=subscription_id, confirmed_at__isnull=True)
        .select_related("product")
        .first()
    )
    if subscription is None:
        return False
    link = settings.SITE_URL + reverse(
        "notifications:stakeholder_confirm", kwargs={"token": _token(CONFIRM_SALT, subscription)}
    )
    body = render_to_string(
        "notifications/emails/stakeholder_confirm.txt", {"product": subscription.product, "link": link}
    )
    EmailMultiAlternatives(
        subject=f"Confirm: weekly roadmap updates of {subscription.product.name}", body=body, to=[subscription.email]
    ).send()
    return True


def _recipients(product) -> list[StakeholderSubscription]:
    """Confirmed subscriptions still entitled: members still in the workspace, followers of a link not revoked."""
    members = set(users_of_workspace(workspace_id=product.workspace_id).values_list("pk", flat=True))
    subscriptions = StakeholderSubscription.objects.filter(product=product, confirmed_at__isnull=False).select_related(
        "share_link"
    )
    return [
        s
        for s in subscriptions
        if (s.user_id is not None and s.user_id in members)
        or (s.user_id is None and s.share_link is not None and s.share_link.revoked_at is None)
    ]


def stakeholder_update_send(*, product_id: int, now=None) -> int:
    """Compare the roadmap with the last snapshot, mail the changes to each subscriber, keep a new snapshot.

    Run twice in one week, the second run finds a recent weekly snapshot and sends nothing.
    Returns the number of emails sent.
    """
    now = now or timezone.now()
    product = Product.objects.select_related("workspace").filter(pk=product_id).first()
    if product is None:
        return 0
    with transaction.atomic():
        last = RoadmapSnapshot.objects.select_for_update().filter(product=product).order_by("-taken_at", "-pk").first()
        if last is not None and last.data.get("weekly") and now - last.taken_at < WEEKLY_GAP:
            return 0
        state = roadmap_state(product_id=product.pk)
        changes = roadmap_changes(before=last.data if last else {}, after=state) if last else None
        RoadmapSnapshot.objects.create(product=product, data={**state, "weekly": True})
    recipients = _recipients(product)
    context = {
        "product": product,
        "changes": changes,
        "quiet": changes is not None and not any(changes.values()),
        "since": last.taken_at if last else None,
        "site_url": settings.SITE_URL,
    }
    for subscription in recipients:
        unsubscribe = settings.SITE_URL + reverse(
            "notifications:stakeholder_unsubscribe", kwargs={"token": _token(UNSUBSCRIBE_SALT, subscription)}
        )
        body = render_to_string(
            "notifications/emails/stakeholder_update.txt", {**context, "unsubscribe_url": unsubscribe}
        )
        EmailMultiAlternatives(
            subject=f"What changed on the {product.name} roadmap this week",
            body=body,
            to=[subscription.email],
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        ).send()
    return len(recipients)


def stakeholder_product_ids() -> list[int]:
    return list(
        StakeholderSubscription.objects.filter(confirmed_at__isnull=False)
        .values_list("product_id", flat=True)
        .distinct()
        .order_by()
    )

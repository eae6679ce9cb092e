"""Invitations: the way a person joins a workspace someone else created.

An admin offers a role to an email address. Whoever reads that email opens the link and
accepts, signed in with an account of that address or after making one; only then does a
membership exist. The answer to the admin is the same whether or not the address belongs to
an account, so inviting reveals nothing about who uses PMHub.

The link carries a random token; only its SHA-256 hash is stored, so the email is the one
place the token exists. That is also why the email is sent in this process right after the
commit instead of through the broker.
"""

import secrets
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from core.exceptions import ApplicationError
from core.services import instance_create, instance_update

from ..emails import invitation_email_send
from ..models import Invitation, Membership, Workspace


def email_normalize(email: str) -> str:
    return (email or "").strip().lower()


def _fresh_token() -> tuple[str, dict]:
    """A new token and the fields that store it: its hash and a new expiry."""
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_LIFETIME_DAYS)
    return token, {"token_hash": Invitation.hash_token(token), "expires_at": expires_at}


def _count_email(workspace: Workspace) -> None:
    """Any signed-in user may create a workspace and invite: a workspace sends at most
    INVITATION_EMAILS_PER_HOUR invitation emails an hour, so PMHub cannot be used to flood inboxes."""
    window = int(time.time() // 3600)
    key = f"invitation-emails:{workspace.pk}:{window}"
    sent = 1 if cache.add(key, 1, 3600 + 60) else cache.incr(key)
    if sent > settings.INVITATION_EMAILS_PER_HOUR:
        raise ApplicationError(
            f"{workspace.name} has sent {settings.INVITATION_EMAILS_PER_HOUR} invitations in the last hour,"
            " the most PMHub sends; try again in an hour."
        )


def _send_after_commit(*, invitation: Invitation, token: str, actor, site_url: str) -> None:
    transaction.on_commit(
        partial(
            invitation_email_send,
            invitation_id=invitation.pk,
            token=token,
            inviter_name=actor.get_full_name() or actor.get_username(),
            site_url=site_url,
        )
    )


def _lock(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)


def invitation_closed_reason(invitation: Invitation) -> str | None:
    """Why the invitation's link no longer works (used, withdrawn, expired), or None while it is open."""
    status = invitation.status_at(timezone.now())
    if status == "accepted":
        return "This invitation has been used already. If you accepted it, sign in: you are a member."
    if status == "revoked":
        return f"This invitation was withdrawn by the admins of {invitation.workspace.name}."
    if status == "expired":
        expired_on = date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")
        return f"This invitation expired on {expired_on}. Ask the person who invited you to send it again."
    return None


def invitation_refusal(*, invitation: Invitation, user) -> str | None:
    """Why `user` may not accept the invitation, or None when they may.

    Only an account with the invited email address may accept, once, before the invitation
    expires and unless it was revoked.
    """
    reason = invitation_closed_reason(invitation)
    if reason is None and email_normalize(user.email) != invitation.email:
        reason = (
            f"This invitation is for {invitation.email}, and you are signed in as {user.get_username()}"
            f" ({user.email or 'an account without an email address'}). Sign out, then open the link again"
            " and sign in (or sign up) with that address."
        )
    return reason


@transaction.atomic
def invitation_create(*, workspace: Workspace, email: str, role: str, actor, site_url: str) -> Invitation:
    """Invite `email` to `workspace` as `role` and email the link after commit.

    An open invitation to the same address is renewed (this role, a new link, a new expiry; the
    old link stops working) rather than duplicated.
    """
    Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()  # one invitation write at a time
    _count_email(workspace)
    email = email_normalize(email)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(workspace=workspace, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    token, fields = _fresh_token()
    if invitation is None:
        invitation = instance_create(
            instance=Invitation(workspace=workspace, email=email, role=role, **fields), actor=actor
        )
    else:
        invitation = instance_update(instance=invitation, data={"role": role, **fields})[0]
    _send_after_commit(invitation=invitation, token=token, actor=actor, site_url=site_url)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor, site_url: str) -> Invitation:
    """Send an open (or expired) invitation again with a new link and a new expiry."""
    invitation = _lock(invitation)
    if invitation.accepted_at is not None:
        raise ApplicationError(f"{invitation.email} has accepted this invitation already.")
    if invitation.revoked_at is not None:
        raise ApplicationError("This invitation was revoked: invite the address again instead.")
    _count_email(invitation.workspace)
    token, fields = _fresh_token()
    invitation = instance_update(instance=invitation, data=fields)[0]
    _send_after_commit(invitation=invitation, token=token, actor=actor, site_url=site_url)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw an invitation: its link stops working at once. Revoking twice changes nothing."""
    invitation = _lock(invitation)
    if invitation.accepted_at is not None:
        raise ApplicationError(f"{invitation.email} has accepted this invitation already: remove the member instead.")
    if invitation.revoked_at is None:
        invitation = instance_update(instance=invitation, data={"revoked_at": timezone.now()})[0]
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """`user` accepts: the one way into a workspace besides creating it (see `invitation_refusal`).

    Someone who is a member already keeps their role.
    """
    invitation = _lock(invitation)
    reason = invitation_refusal(invitation=invitation, user=user)
    if reason is not None:
        raise ApplicationError(reason)
    membership = Membership.objects.filter(workspace_id=invitation.workspace_id, user=user).first()
    if membership is None:
        membership = instance_create(
            instance=Membership(workspace_id=invitation.workspace_id, user=user, role=invitation.role), actor=user
        )
    instance_update(instance=invitation, data={"accepted_at": timezone.now(), "accepted_by": user})
    return membership


@transaction.atomic
def invitation_accept_with_new_account(*, invitation: Invitation, username: str, password: str):
    """Make an account for the invited address (with this username and password) and accept.

    Returns the new user and their membership. An address that has an account already signs
    in to accept instead: one address, one account.
    """
    invitation = _lock(invitation)
    reason = invitation_closed_reason(invitation)
    if reason is not None:
        raise ApplicationError(reason)
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ApplicationError(
            f"An account with the address {invitation.email} exists already: sign in to accept the invitation"
            " (or reset its password if you forgot it)."
        )
    user = User(username=username, email=invitation.email)
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user, invitation_accept(invitation=invitation, user=user)

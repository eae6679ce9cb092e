"""The emails workspaces send: an invitation with its link."""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Invitation

logger = logging.getLogger(__name__)


def site_url_for(request) -> str:
    """The scheme and host the request came to (checked against ALLOWED_HOSTS), for links in emails."""
    return request.build_absolute_uri("/").rstrip("/")


def invitation_email_send(*, invitation_id: int, token: str, inviter_name: str, site_url: str) -> bool:
    """Email the invitation link; record when it went out. A mail server that fails is logged, not raised:

    the invitation stays listed as "not sent" and an admin may send it again.
    """
    invitation = Invitation.objects.select_related("workspace").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "workspace": invitation.workspace,
        "role": invitation.get_role_display(),
        "inviter_name": inviter_name,
        "link": site_url + reverse("workspaces:invitation_accept", kwargs={"token": token}),
        "expires_at": timezone.localtime(invitation.expires_at),
    }
    subject = " ".join(render_to_string("workspaces/emails/invitation_subject.txt", context).split())
    body = render_to_string("workspaces/emails/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("The invitation email to %s could not be sent", invitation.email)
        return False
    # Only if the link sent is still the invitation's link (a resend may have replaced it meanwhile).
    Invitation.objects.filter(pk=invitation_id, token_hash=Invitation.hash_token(token)).update(sent_at=timezone.now())
    return True

"""Invitations on the pages: nobody joins a workspace without accepting, and inviting reveals no accounts."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.accounts.conftest import links_in
from workspaces.models import Invitation, Membership, Role

User = get_user_model()


def _members(world) -> set[str]:
    return set(Membership.objects.filter(workspace=world.workspace).values_list("user__username", flat=True))


def test_the_invitation_email_names_the_workspace_role_and_a_working_link(world, invite):
    link = invite("new@example.com", Role.PRODUCT_OWNER)

    message = mail.outbox[-1]
    assert message.to == ["new@example.com"]
    assert "Acme" in message.subject
    assert "as Product owner" in message.body
    assert link.startswith("/invitations/")
    assert Invitation.objects.get(email="new@example.com").sent_at is not None


def test_a_newcomer_makes_an_account_from_the_link_and_joins(world, invite, client):
    link = invite("new@example.com", Role.PRODUCT_OWNER)
    before = _members(world)

    page = client.get(link)
    assert page.status_code == 200
    assert "Create my account and join" in page.content.decode()

    response = client.post(
        link + "sign-up/", {"username": "newbie", "password1": "a fresh pass 42", "password2": "a fresh pass 42"}
    )

    assert response.status_code == 302
    assert response.url == reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk})
    user = User.objects.get(username="newbie")
    assert user.email == "new@example.com" and user.check_password("a fresh pass 42")
    assert _members(world) == before | {"newbie"}
    assert Membership.objects.get(workspace=world.workspace, user=user).role == Role.PRODUCT_OWNER
    assert client.get(reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk})).status_code == 200
    invitation = Invitation.objects.get(email="new@example.com")
    assert invitation.accepted_by == user and invitation.accepted_at is not None


def test_an_existing_user_signs_in_from_the_link_and_accepts(world, invite, client):
    ann = f.UserFactory(username="ann", email="Ann@Example.com")
    link = invite("ann@example.com", Role.CONTRIBUTOR)

    page = client.get(link).content.decode()
    assert f'href="{reverse("login")}?next={link}"' in page

    response = client.post(reverse("login"), {"username": "ann", "password": f.PASSWORD, "next": link})
    assert response.url == link
    assert "Accept and join" in client.get(link).content.decode()
    assert not Membership.objects.filter(workspace=world.workspace, user=ann).exists()  # opening is not accepting

    response = client.post(link)

    assert response.status_code == 302
    assert Membership.objects.get(workspace=world.workspace, user=ann).role == Role.CONTRIBUTOR


def test_an_expired_link_is_refused(world, invite):
    ann = f.UserFactory(username="ann", email="ann@example.com")
    link = invite("ann@example.com")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client = world.client(None)
    client.force_login(ann)

    page = client.get(link)
    response = client.post(link)

    assert page.status_code == 410 and "expired" in page.content.decode()
    assert response.status_code == 410
    assert not Membership.objects.filter(workspace=world.workspace, user=ann).exists()


def test_an_invitation_lasts_the_configured_days(world, invite, settings):
    settings.INVITATION_LIFETIME_DAYS = 2
    invite("ann@example.com")
    lifetime = Invitation.objects.get().expires_at - timezone.now()
    assert timedelta(days=2) - timedelta(minutes=1) < lifetime <= timedelta(days=2)


def test_a_link_works_once(world, invite):
    ann = f.UserFactory(username="ann", email="ann@example.com")
    link = invite("ann@example.com", Role.VIEWER)
    client = world.client(None)
    client.force_login(ann)
    assert client.post(link).status_code == 302
    Membership.objects.filter(user=ann, workspace=world.workspace).delete()  # removed later by an admin

    again = client.post(link)
    signup = world.client(None).post(
        link + "sign-up/", {"username": "x", "password1": "pw 12345 x", "password2": "pw 12345 x"}
    )

    assert again.status_code == 410 and "used already" in again.content.decode()
    assert signup.status_code == 409
    assert not Membership.objects.filter(workspace=world.workspace, user=ann).exists()
    assert not User.objects.filter(username="x").exists()


def test_a_revoked_link_is_refused(world, invite):
    ann = f.UserFactory(username="ann", email="ann@example.com")
    link = invite("ann@example.com")
    invitation = Invitation.objects.get()
    revoke = reverse("workspaces:invitation_revoke", kwargs={"workspace_id": world.workspace.pk, "pk": invitation.pk})
    assert world.client("admin").post(revoke).status_code == 302
    client = world.client(None)
    client.force_login(ann)

    response = client.post(link)

    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert not Membership.objects.filter(workspace=world.workspace, user=ann).exists()
    members = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})
    assert "ann@example.com" not in world.client("admin").get(members).content.decode()  # no longer pending


def test_another_person_cannot_accept_someone_elses_invitation(world, invite):
    link = invite("ann@example.com")
    mallory = f.UserFactory(username="mallory", email="mallory@example.com")
    client = world.client(None)
    client.force_login(mallory)

    page = client.get(link)
    response = client.post(link)

    assert page.status_code == 403
    assert "This invitation is for ann@example.com" in page.content.decode()
    assert response.status_code == 403
    assert not Membership.objects.filter(workspace=world.workspace, user=mallory).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_user_without_an_email_address_cannot_accept(world, invite):
    link = invite("ann@example.com")
    viewer = world.users["viewer"]  # has no address
    client = world.client("outsider")

    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(workspace=world.workspace, user=world.outsider).exists()
    assert viewer.email == ""


def test_sending_again_replaces_the_link(world, invite, django_capture_on_commit_callbacks):
    old = invite("ann@example.com")
    invitation = Invitation.objects.get()
    resend = reverse("workspaces:invitation_resend", kwargs={"workspace_id": world.workspace.pk, "pk": invitation.pk})

    with django_capture_on_commit_callbacks(execute=True):
        assert world.client("admin").post(resend).status_code == 302

    (new,) = [p for p in links_in(mail.outbox[-1]) if "/invitations/" in p]
    assert len(mail.outbox) == 2 and new != old
    assert world.client(None).get(old).status_code == 404
    assert world.client(None).get(new).status_code == 200


def test_inviting_an_address_again_renews_its_open_invitation(world, invite):
    first = invite("ann@example.com", Role.VIEWER)
    second = invite("ANN@example.com", Role.PRODUCT_MANAGER)

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("ann@example.com", Role.PRODUCT_MANAGER)
    assert world.client(None).get(first).status_code == 404
    assert world.client(None).get(second).status_code == 200


def test_a_member_who_accepts_again_keeps_their_role(world, invite):
    pm = world.users["product_manager"]
    pm.email = "pm@example.com"
    pm.save()
    link = invite("pm@example.com", Role.VIEWER)
    client = world.client(None)
    client.force_login(pm)

    assert client.post(link).status_code == 302
    assert Membership.objects.get(workspace=world.workspace, user=pm).role == Role.PRODUCT_MANAGER
    assert Invitation.objects.get().accepted_at is not None


def test_inviting_answers_the_same_for_known_and_unknown_addresses(world, django_capture_on_commit_callbacks):
    f.UserFactory(username="known", email="known@example.com")
    url = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})
    answers = []
    for email in ("known@example.com", "unknown@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = world.client("admin").post(url, {"email": email, "role": "viewer"}, follow=True)
        said = [str(m).replace(email, "ADDRESS") for m in response.context["messages"]]
        invitation = Invitation.objects.get(email=email)
        answers.append((response.status_code, response.redirect_chain, said, invitation.status_at(timezone.now())))

    assert answers[0] == answers[1]
    assert answers[0][2][0].startswith("Invitation sent to ADDRESS as Viewer.")
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.com", "unknown@example.com"]
    assert not Membership.objects.filter(user__username="known").exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_admins_invite_revoke_and_resend(world, invite, role):
    link = invite("ann@example.com")
    invitation = Invitation.objects.get()
    kwargs = {"workspace_id": world.workspace.pk, "pk": invitation.pk}
    client = world.client(role)
    members = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})

    assert client.post(members, {"email": "bob@example.com", "role": "admin"}).status_code == 403
    assert client.post(reverse("workspaces:invitation_revoke", kwargs=kwargs)).status_code == 403
    assert client.post(reverse("workspaces:invitation_resend", kwargs=kwargs)).status_code == 403
    assert world.client("outsider").post(reverse("workspaces:invitation_revoke", kwargs=kwargs)).status_code == 404
    assert list(Invitation.objects.values_list("email", "revoked_at")) == [("ann@example.com", None)]
    assert world.client(None).get(link).status_code == 200


def test_an_admin_cannot_reach_another_workspaces_invitation(world, invite):
    invite("ann@example.com")
    invitation = Invitation.objects.get()
    url = reverse(
        "workspaces:invitation_revoke", kwargs={"workspace_id": world.other_workspace.pk, "pk": invitation.pk}
    )
    assert world.client("outsider").post(url).status_code == 404
    assert Invitation.objects.get().revoked_at is None


def test_a_newcomer_sees_clear_errors_and_nothing_is_made(world, invite, client):
    f.UserFactory(username="taken", email="other@example.com")
    link = invite("new@example.com")

    weak = client.post(link + "sign-up/", {"username": "newbie", "password1": "12345678", "password2": "12345678"})
    differ = client.post(link + "sign-up/", {"username": "newbie", "password1": "a fresh pass 42", "password2": "x"})
    taken = client.post(
        link + "sign-up/", {"username": "taken", "password1": "a fresh pass 42", "password2": "a fresh pass 42"}
    )

    assert weak.status_code == 400 and "password1" in weak.context["sign_up_form"].errors
    assert differ.context["sign_up_form"].errors["password2"] == ["The two passwords differ."]
    assert "username" in taken.context["sign_up_form"].errors
    assert not User.objects.filter(email="new@example.com").exists()
    assert 'for="id_username"' in weak.content.decode()  # every field has its label


def test_an_address_with_an_account_signs_in_instead_of_signing_up(world, invite, client):
    f.UserFactory(username="ann", email="ann@example.com")
    link = invite("ann@example.com")

    response = client.post(
        link + "sign-up/", {"username": "ann2", "password1": "a fresh pass 42", "password2": "a fresh pass 42"}
    )

    assert response.status_code == 409
    assert "exists already: sign in" in response.content.decode()
    assert not User.objects.filter(username="ann2").exists()


def test_a_link_that_opens_nothing_says_so(world, client):
    response = client.get(reverse("workspaces:invitation_accept", kwargs={"token": "made-up"}))
    assert response.status_code == 404
    assert "does not open an invitation" in response.content.decode()


class FailingMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_failure_leaves_the_invitation_listed_as_not_sent(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailBackend"
    url = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("admin").post(url, {"email": "ann@example.com", "role": "viewer"})
    assert response.status_code == 302

    page = world.client("admin").get(url).content.decode()

    assert Invitation.objects.get().sent_at is None
    assert "Not sent" in page


def test_staff_cannot_add_memberships_in_the_django_admin(world):
    admin = world.users["admin"]
    admin.is_staff = True
    admin.save()
    f.MembershipFactory(workspace=world.other_workspace, user=admin, role=Role.ADMIN)

    response = world.client("admin").get(reverse("admin:workspaces_membership_add"))

    assert response.status_code == 403


def test_a_workspace_sends_a_bounded_number_of_invitations_an_hour(world, settings, invite):
    settings.INVITATION_EMAILS_PER_HOUR = 2
    invite("a@example.com")
    invite("b@example.com")
    url = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})

    response = world.client("admin").post(url, {"email": "c@example.com", "role": "viewer"})

    assert response.status_code == 400
    assert "has sent 2 invitations in the last hour" in response.content.decode()
    assert len(mail.outbox) == 2
    assert not Invitation.objects.filter(email="c@example.com").exists()

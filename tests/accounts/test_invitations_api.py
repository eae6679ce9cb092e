"""Invitations through the API: the same rules as the pages (one service), admins only."""

from django.core import mail
from django.utils import timezone

from tests import factories as f
from tests.accounts.conftest import links_in
from tests.api.conftest import token_client
from tests.conftest import ROLES
from workspaces.models import Invitation, Membership, Role

URL = "/api/v1/invitations/"


def _invite(client, workspace, email, role="viewer"):
    return client.post(URL, {"workspace": workspace.pk, "email": email, "role": role}, format="json")


def test_an_admin_invites_and_the_person_joins_only_by_accepting(world, api, django_capture_on_commit_callbacks):
    ann = f.UserFactory(username="ann", email="ann@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(api("admin"), world.workspace, "ann@example.com", "product_owner")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["email"], body["role"], body["status"], body["invited_by"]) == (
        "ann@example.com",
        "product_owner",
        "pending",
        "admin_user",
    )
    assert not any("token" in key for key in body)
    assert not Membership.objects.filter(workspace=world.workspace, user=ann).exists()
    (link,) = [p for p in links_in(mail.outbox[-1]) if "/invitations/" in p]

    client = world.client(None)
    client.force_login(ann)
    assert client.post(link).status_code == 302

    workspaces = token_client(ann).get("/api/v1/workspaces/").json()["results"]
    assert [(w["id"], w["role"]) for w in workspaces] == [(world.workspace.pk, "product_owner")]
    assert api("admin").get(f"{URL}{body['id']}/").json()["status"] == "accepted"


def test_the_answer_is_the_same_for_known_and_unknown_addresses(world, api):
    f.UserFactory(username="known", email="known@example.com")
    shapes = []
    for email in ("known@example.com", "unknown@example.com"):
        response = _invite(api("admin"), world.workspace, email)
        body = response.json()
        shapes.append((response.status_code, sorted(body), body["status"], body["email"] == email))
    assert shapes[0] == shapes[1] == (201, shapes[0][1], "pending", True)


def test_only_admins_invite_and_read_invitations(world, api):
    for role in ROLES:
        if role != Role.ADMIN:
            response = _invite(api(role), world.workspace, f"{role}@example.com")
            assert response.status_code == 403, role
    assert _invite(api("outsider"), world.workspace, "x@example.com").status_code == 400  # no such workspace for them
    assert not Invitation.objects.exists()

    invitation_id = _invite(api("admin"), world.workspace, "ann@example.com").json()["id"]

    assert [row["id"] for row in api("admin").get(URL).json()["results"]] == [invitation_id]
    assert api("viewer").get(URL).json()["results"] == []
    assert api("viewer").get(f"{URL}{invitation_id}/").status_code == 403
    assert api("outsider").get(f"{URL}{invitation_id}/").status_code == 404


def test_revoking_kills_the_link(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_id = _invite(api("admin"), world.workspace, "ann@example.com").json()["id"]
    (link,) = [p for p in links_in(mail.outbox[-1]) if "/invitations/" in p]

    assert api("viewer").delete(f"{URL}{invitation_id}/").status_code == 403
    assert api("admin").delete(f"{URL}{invitation_id}/").status_code == 204

    assert api("admin").get(f"{URL}{invitation_id}/").json()["status"] == "revoked"
    assert world.client(None).get(link).status_code == 410


def test_resending_sends_a_new_link_and_kills_the_old_one(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_id = _invite(api("admin"), world.workspace, "ann@example.com").json()["id"]
    (old,) = [p for p in links_in(mail.outbox[-1]) if "/invitations/" in p]
    Invitation.objects.update(expires_at=timezone.now())  # expired: resending revives it

    with django_capture_on_commit_callbacks(execute=True):
        response = api("admin").post(f"{URL}{invitation_id}/resend/")

    assert response.status_code == 200 and response.json()["status"] == "pending"
    (new,) = [p for p in links_in(mail.outbox[-1]) if "/invitations/" in p]
    assert world.client(None).get(old).status_code == 404
    assert world.client(None).get(new).status_code == 200
    assert api("product_manager").post(f"{URL}{invitation_id}/resend/").status_code == 403


def test_a_bad_address_or_role_is_a_field_error(world, api):
    response = _invite(api("admin"), world.workspace, "nope", "boss")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "role"}
    assert not Invitation.objects.exists()

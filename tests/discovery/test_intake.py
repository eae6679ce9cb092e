"""Feedback that arrives in bulk or by itself: CSV imports (all or nothing), mailboxes, the signed endpoint."""

import mailbox
import time
from email.message import EmailMessage

import orjson
import pytest
from django.core.management import call_command
from django.urls import reverse

from discovery.models import Customer, DiscoverySettings, FeedbackNote
from discovery.services.intake import inbound_secret_rotate, signature_for
from tests import factories as f

NOTES_CSV = """text,title,source,customer,email,received_on,tags
"Refunds take a week, customers call us daily.",Refund speed,support,Initech,,2027-03-01,"refunds, speed"
Export to CSV is broken,,survey,,ops@globex.example,,export
"""


def test_notes_csv_is_imported_whole(world, api):
    f.CustomerFactory(workspace=world.workspace, name="Initech")
    globex = f.CustomerFactory(workspace=world.workspace, name="Globex", email_domain="globex.example")
    response = api("contributor").post(
        "/api/v1/feedback/import/", {"product": world.product.pk, "csv": NOTES_CSV}, format="json"
    )
    assert response.status_code == 201, response.content
    notes = FeedbackNote.objects.filter(product=world.product).order_by("id")
    assert [(n.title, n.source, n.customer.name, n.tags) for n in notes] == [
        ("Refund speed", "support", "Initech", ["refunds", "speed"]),
        ("", "survey", "Globex", ["export"]),
    ]
    assert notes[1].customer == globex  # matched by the sender's email domain


def test_a_bad_line_refuses_the_whole_file_with_one_message_per_line(world, api):
    bad = NOTES_CSV + "Fine text,,sales,,,,\n,,,,,,\nText,,telepathy,Nobody,,14/03/2027,\n"
    before = FeedbackNote.objects.count()
    response = api("contributor").post(
        "/api/v1/feedback/import/", {"product": world.product.pk, "csv": bad}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]["csv"]
    assert any(e.startswith("Line 6: source:") for e in errors)
    assert any(e.startswith("Line 6: received_on:") for e in errors)
    assert FeedbackNote.objects.count() == before  # nothing half-saved
    assert not Customer.objects.filter(name="Nobody").exists()


def test_unknown_columns_and_missing_required_ones_are_named(world, api):
    response = api("admin").post(
        "/api/v1/feedback/import/", {"product": world.product.pk, "csv": "title,colour\nA,red\n"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["csv"] == [
        "Line 1: unknown column “colour” (known: text, title, source, customer, email, received_on, tags, link).",
        "Line 1: the column “text” is missing.",
    ]


def test_customers_csv_creates_and_updates_by_name(world, api):
    f.CustomerFactory(workspace=world.workspace, name="Initech", seats=5)
    text = 'name,segment,seats,revenue\nInitech,enterprise,900,\nHooli,smb,12,"45,000.50"\n'
    response = api("product_owner").post(
        "/api/v1/customers/import/", {"workspace": world.workspace.pk, "csv": text}, format="json"
    )
    assert response.status_code == 201, response.content
    rows = Customer.objects.filter(workspace=world.workspace).order_by("name").values_list("name", "seats", "revenue")
    assert [(n, s, str(r) if r is not None else None) for n, s, r in rows] == [
        ("Hooli", 12, "45000.50"),
        ("Initech", 900, None),
    ]
    refused = api("product_owner").post(
        "/api/v1/customers/import/",
        {"workspace": world.workspace.pk, "csv": "name,seats\nA,-3\nB,many\n"},
        format="json",
    )
    assert refused.status_code == 400
    assert Customer.objects.filter(workspace=world.workspace).count() == 2
    assert (
        api("viewer")
        .post("/api/v1/customers/import/", {"workspace": world.workspace.pk, "csv": "name\nZ\n"}, format="json")
        .status_code
        == 403
    )


def _mbox(tmp_path):
    path = tmp_path / "support.mbox"
    box = mailbox.mbox(path)
    for sender, subject, body, message_id in [
        ('"Ana Ops" <ana@initech.example>', "Refunds", "Refunds take a week.\nFrom now on we escalate.", "<1@x>"),
        ("bob@newco.example", "Dark mode", "Please add dark mode.", "<2@x>"),
    ]:
        message = EmailMessage()
        message["From"], message["Subject"], message["Message-ID"] = sender, subject, message_id
        message["Date"] = "Tue, 02 Mar 2027 10:00:00 +0000"
        message.set_content(body)
        box.add(message)
    box.flush()
    box.close()
    return path


def test_mbox_command_reads_messages_and_matches_senders_by_domain(world, tmp_path):
    initech = f.CustomerFactory(workspace=world.workspace, name="Initech", email_domain="initech.example")
    path = _mbox(tmp_path)
    call_command("feedback_mbox", world.product.pk, str(path), "--as-user", "contributor_user")
    notes = list(FeedbackNote.objects.filter(product=world.product).order_by("id"))
    assert [(n.title, n.source, n.customer.name) for n in notes] == [
        ("Refunds", "email", initech.name),
        ("Dark mode", "email", "bob@newco.example"),  # someone new becomes a customer (a person)
    ]
    assert "From now on we escalate." in notes[0].text  # the escaped ">From" line is restored
    assert notes[0].received_on.isoformat() == "2027-03-02"
    assert notes[0].captured_by == world.users["contributor"]
    call_command("feedback_mbox", world.product.pk, str(path))  # the same mailbox again: nothing new
    assert FeedbackNote.objects.filter(product=world.product).count() == 2


def test_mbox_endpoint_takes_the_mailbox_text(world, api, tmp_path):
    text = _mbox(tmp_path).read_text()
    response = api("contributor").post(
        "/api/v1/feedback/mbox/", {"product": world.product.pk, "mbox": text}, format="json"
    )
    assert response.status_code == 201 and response.json()["created"] == 2
    assert (
        api("viewer")
        .post("/api/v1/feedback/mbox/", {"product": world.product.pk, "mbox": text}, format="json")
        .status_code
        == 403
    )


# ---- the signed inbound endpoint -----------------------------------------------------------------


def _post(client, workspace_id, body: dict, secret: str, *, timestamp=None, signature=None):
    raw = orjson.dumps(body)
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    return client.post(
        f"/api/v1/inbound/feedback/{workspace_id}/",
        raw,
        content_type="application/json",
        HTTP_X_PMHUB_TIMESTAMP=timestamp,
        HTTP_X_PMHUB_SIGNATURE=signature or signature_for(secret, timestamp, raw),
    )


@pytest.fixture
def secret(world):
    return inbound_secret_rotate(workspace=world.workspace, actor=world.users["admin"])


def test_a_signed_delivery_becomes_a_note_once(world, client, secret):
    body = {
        "product": world.product.pk,
        "text": "The app crashes on login.",
        "email": "it@hooli.example",
        "external_id": "T-9",
        "tags": ["crash"],
    }
    first = _post(client, world.workspace.pk, body, secret)
    assert first.status_code == 201, first.content
    again = _post(client, world.workspace.pk, body, secret)
    assert again.status_code == 200 and again.json() == {"id": first.json()["id"], "created": False}
    note = FeedbackNote.objects.get(pk=first.json()["id"])
    assert (note.source, note.tags, note.customer.email) == ("support", ["crash"], "it@hooli.example")


def test_unsigned_forged_stale_or_foreign_deliveries_are_refused(world, client, secret):
    body = {"product": world.product.pk, "text": "Spam"}
    assert _post(client, world.workspace.pk, body, "pmin_wrong").status_code == 401
    assert _post(client, world.workspace.pk, body, secret, signature="sha256=00").status_code == 401
    stale = str(int(time.time()) - 3600)
    assert _post(client, world.workspace.pk, body, secret, timestamp=stale).status_code == 401
    assert (
        client.post(
            f"/api/v1/inbound/feedback/{world.workspace.pk}/", orjson.dumps(body), content_type="application/json"
        ).status_code
        == 401
    )
    # The secret of one workspace does not open another, nor post to another workspace's product.
    assert _post(client, world.other_workspace.pk, body, secret).status_code == 401
    foreign = {"product": world.other_product.pk, "text": "Hi"}
    assert _post(client, world.workspace.pk, foreign, secret).status_code == 400
    assert FeedbackNote.objects.count() == 0


def test_the_secret_is_shown_once_and_never_stored(world, secret):
    stored = DiscoverySettings.objects.get(workspace=world.workspace)
    assert secret not in str(stored.__dict__)
    assert stored.inbound_secret_hint == secret[-4:]
    url = reverse("discovery:settings", kwargs={"workspace_id": world.workspace.pk})
    new_url = reverse("discovery:inbound_secret_new", kwargs={"workspace_id": world.workspace.pk})
    admin = world.client("admin")
    assert world.client("product_manager").post(new_url).status_code == 403
    admin.post(new_url)
    shown = admin.get(url).content.decode()
    assert "shown once" in shown and "pmin_" in shown
    assert "pmin_" not in admin.get(url).content.decode()  # not on the next visit


def test_inbound_deliveries_are_rate_limited_per_workspace(world, client, secret, monkeypatch):
    monkeypatch.setattr("discovery.inbound.INBOUND_PER_MINUTE", 2)
    codes = [
        _post(client, world.workspace.pk, {"product": world.product.pk, "text": f"n{i}"}, secret).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]

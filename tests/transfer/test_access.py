"""Who may import, export and back up, through the pages and the API; another workspace is a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backlog.models import BacklogItem
from tests.api.conftest import token_client
from tests.conftest import ROLES
from transfer.models import ImportBatch
from transfer.services.batches import import_batch_create

ITEM_EDITORS = {"admin", "product_manager", "product_owner", "contributor"}
STRATEGY = {"admin", "product_manager"}
CSV = b"key,title\nA-1,Export invoices\nA-2,Import invoices\n"


def _batch(product, target="items", content=CSV):
    return import_batch_create(
        product=product, files=[SimpleUploadedFile("plan.csv", content)], actor=None, target=target
    )


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_upload_page_by_role(world, role):
    client = world.client(role)
    url = reverse("transfer:import_list", kwargs={"product_id": world.product.pk})

    read = client.get(url)
    response = client.post(url, {"files": SimpleUploadedFile("plan.csv", CSV), "target": "items"})

    if role == "outsider":
        assert (read.status_code, response.status_code) == (404, 404)
    elif role in ITEM_EDITORS:
        assert read.status_code == 200 and response.status_code == 302
        batch = ImportBatch.objects.get(product=world.product)
        assert response["Location"] == reverse(
            "transfer:import_detail", kwargs={"product_id": world.product.pk, "pk": batch.pk}
        )
    else:
        assert read.status_code == 200 and response.status_code == 403
        assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_roadmap_tables_need_a_strategy_role(world, role):
    response = world.client(role).post(
        reverse("transfer:import_list", kwargs={"product_id": world.product.pk}),
        {"files": SimpleUploadedFile("i.csv", b"key,title\nI-1,Wallet\n"), "target": "initiatives"},
    )
    expected = 404 if role == "outsider" else 302 if role in STRATEGY else 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_wizard_steps_by_role(world, role, django_capture_on_commit_callbacks):
    batch = _batch(world.product)
    client = world.client(role)
    kwargs = {"product_id": world.product.pk, "pk": batch.pk}

    detail = client.get(reverse("transfer:import_detail", kwargs=kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        dry = client.post(reverse("transfer:import_dry_run", kwargs=kwargs))
    batch.refresh_from_db()

    if role == "outsider":
        assert (detail.status_code, dry.status_code) == (404, 404)
    elif role in ITEM_EDITORS:
        assert detail.status_code == 200 and dry.status_code == 302 and batch.state == "checked"
        with django_capture_on_commit_callbacks(execute=True):
            run = client.post(reverse("transfer:import_run", kwargs=kwargs))
        assert run.status_code == 302
        assert BacklogItem.objects.filter(product=world.product).count() == 2
    else:
        assert detail.status_code == 200 and dry.status_code == 403 and batch.state == "uploaded"
    assert not BacklogItem.objects.filter(product=world.other_product).exists()


def test_another_workspaces_import_is_not_found_even_with_our_product_in_the_url(world):
    theirs = _batch(world.other_product)
    client = world.client("admin")

    for name in ("import_detail", "import_dry_run", "import_run", "import_mapping"):
        url = reverse(f"transfer:{name}", kwargs={"product_id": world.product.pk, "pk": theirs.pk})
        response = client.get(url) if name == "import_detail" else client.post(url)
        assert response.status_code == 404, name
    listing = client.get(reverse("transfer:import_list", kwargs={"product_id": world.product.pk}))
    assert f"import #{theirs.pk}" not in listing.content.decode()


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_exports_by_role(world, role):
    client = world.client(role)
    for what in ("backlog", "roadmap"):
        for fmt in ("csv", "xlsx"):
            response = client.get(
                reverse("transfer:export", kwargs={"product_id": world.product.pk, "what": what, "fmt": fmt})
            )
            assert response.status_code == (404 if role == "outsider" else 200), (what, fmt)
    assert (
        client.get(
            reverse("transfer:export", kwargs={"product_id": world.product.pk, "what": "secrets", "fmt": "csv"})
        ).status_code
        == 404
    )


def test_export_holds_only_the_products_items(world):
    BacklogItem.objects.create(product=world.other_product, title="Rival secret", number=1, rank=1024)
    response = world.client("admin").get(
        reverse("transfer:export", kwargs={"product_id": world.product.pk, "what": "backlog", "fmt": "csv"})
    )
    assert b"Rival secret" not in b"".join(response.streaming_content)


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_backup_page_is_for_admins(world, role):
    client = world.client(role)
    page = client.get(reverse("transfer:backup", kwargs={"workspace_id": world.workspace.pk}))
    download = client.get(reverse("transfer:backup_download", kwargs={"workspace_id": world.workspace.pk}))
    expected = 404 if role == "outsider" else 200 if role == "admin" else 403
    assert (page.status_code, download.status_code) == (expected, expected)


def test_restore_from_the_page_makes_the_restorer_admin_of_the_new_workspace(world):
    client = world.client("admin")
    BacklogItem.objects.create(product=world.product, title="Kept", number=1, rank=1024)
    export = b"".join(
        client.get(reverse("transfer:backup_download", kwargs={"workspace_id": world.workspace.pk})).streaming_content
    )

    response = client.post(
        reverse("transfer:backup", kwargs={"workspace_id": world.workspace.pk}),
        {"file": SimpleUploadedFile("acme.jsonl", export), "name": "Acme copy"},
    )

    assert response.status_code == 302
    copy = world.users["admin"].memberships.get(workspace__name="Acme copy")
    assert copy.role == "admin"
    assert BacklogItem.objects.filter(product__workspace=copy.workspace, title="Kept").exists()
    bad = client.post(
        reverse("transfer:backup", kwargs={"workspace_id": world.workspace.pk}),
        {"file": SimpleUploadedFile("x.jsonl", b"nonsense")},
    )
    assert bad.status_code == 200 and "not a PMHub workspace export" in bad.content.decode()


# ---- API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_api_upload_map_dry_run_and_run_by_role(world, role, django_capture_on_commit_callbacks):
    user = world.outsider if role == "outsider" else world.users[role]
    api = token_client(user)

    created = api.post(
        "/api/v1/imports/",
        {"product": world.product.pk, "files": [SimpleUploadedFile("plan.csv", CSV)]},
        format="multipart",
    )

    if role == "outsider":
        assert created.status_code == 400  # our product "does not exist" for them
        return
    if role not in ITEM_EDITORS:
        assert created.status_code == 403 and not ImportBatch.objects.exists()
        return
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["detected"]["count"] == 2 and body["mapping"]["columns"] == {"key": "key", "title": "title"}
    url = f"/api/v1/imports/{body['id']}/"
    mapped = api.post(url + "mapping/", {"status": {"": "ready"}}, format="json")
    assert mapped.status_code == 200 and mapped.json()["mapping"]["status"][""] == "ready"
    assert api.post(url + "run/").status_code == 400  # no dry run yet
    with django_capture_on_commit_callbacks(execute=True):
        job = api.post(url + "dry-run/")
    assert job.status_code == 202 and job.json()["kind"] == "import"
    assert api.get(url).json()["dry_run_report"]["created"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(url + "run/").status_code == 202
    report = api.get(url).json()["report"]
    assert report["created"] == 2 and report["objects"][0]["url"].startswith(f"/products/{world.product.pk}/items/")
    assert list(BacklogItem.objects.filter(product=world.product).values_list("status", flat=True)) == [
        "ready",
        "ready",
    ]


def test_api_bad_input_is_a_400(world):
    api = token_client(world.users["admin"])
    batch = _batch(world.product)
    url = f"/api/v1/imports/{batch.pk}/mapping/"

    assert api.post(url, {"status": {"New": "shipped"}}, format="json").status_code == 400
    assert api.post(url, {"people": {"Ada": world.outsider.pk}}, format="json").status_code == 400
    assert api.post(url, {"columns": {"title": "password"}}, format="json").status_code == 400
    assert api.post(url, {"nonsense": {}}, format="json").status_code == 400
    as_form = api.post(url, {"status": '{"New": "shipped"}'}, format="multipart")  # sections are JSON: a 415
    assert as_form.status_code == 415
    nul = api.post(url, {"columns": {"ti\x00tle": "title"}}, format="json")  # jsonb cannot store NUL: a 400, not a 500
    assert nul.status_code == 400 and "NUL" in str(nul.json())
    assert api.post("/api/v1/imports/", {"product": world.product.pk}, format="multipart").status_code == 400
    empty = api.post(
        "/api/v1/imports/",
        {"product": world.product.pk, "files": [SimpleUploadedFile("e.csv", b"")]},
        format="multipart",
    )
    assert empty.status_code == 400
    broken = api.post(
        "/api/v1/imports/",
        {"product": world.product.pk, "files": [SimpleUploadedFile("b.xlsx", b"PK\x03\x04broken")]},
        format="multipart",
    )
    assert broken.status_code == 400 and "Excel" in str(broken.json())
    batch.refresh_from_db()
    assert batch.mapping["status"] == {"": "new"}


def test_dashboard_xlsx_export_neutralises_formulas(world):
    import io

    import openpyxl

    from tests import factories as f

    f.ObjectiveFactory(workspace=world.workspace, product=world.product, title="=cmd|' /C calc'!A0", period="2027-Q1")
    client = world.client("viewer")
    response = client.get(
        reverse("dashboards:workspace_dashboard_xlsx", kwargs={"workspace_id": world.workspace.pk}),
        {"period": "2027-Q1"},
    )
    assert response.status_code == 200
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[2][:2] == ["objective", "'=cmd|' /C calc'!A0"]
    assert (
        client.get(
            reverse("dashboards:product_dashboard_xlsx", kwargs={"product_id": world.other_product.pk})
        ).status_code
        == 404
    )


def test_mapping_page_form_saves_choices_and_refuses_unknown_values(world):
    batch = _batch(world.product, content=b"key,title,state\nA-1,Export,Doing\nA-2,Import,Later\n")
    client = world.client("contributor")
    url = reverse("transfer:import_mapping", kwargs={"product_id": world.product.pk, "pk": batch.pk})
    page = client.get(reverse("transfer:import_detail", kwargs={"product_id": world.product.pk, "pk": batch.pk}))
    assert page.status_code == 200 and "Columns" in page.content.decode()
    header = batch.detected["header"]

    columns = {
        f"columns__{i}": {"key": "key", "title": "title", "state": "status"}[name] for i, name in enumerate(header)
    }
    assert client.post(url, columns).status_code == 302
    batch.refresh_from_db()
    assert batch.mapping["columns"]["state"] == "status"
    assert batch.mapping["status"] == {"Doing": "in_progress", "Later": "new"}  # detected once the column is mapped

    bad = client.post(url, {**columns, "status__0": "shipped"})
    assert bad.status_code == 400
    batch.refresh_from_db()
    assert batch.mapping["status"]["Doing"] == "in_progress"

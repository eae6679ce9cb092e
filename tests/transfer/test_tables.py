"""Generic CSV / XLSX imports with a column mapping, and the backlog export that re-imports unchanged."""

import csv
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backlog.models import AcceptanceCriterion, BacklogItem, ExternalLink, Label
from backlog.services.items import item_update
from customfields.models import FieldDefinition
from okrs.models import KeyResult, Objective
from roadmap.models import Initiative
from tests import factories as f
from transfer.models import ImportedObject


def _download(client, product, what, fmt):
    response = client.get(reverse("transfer:export", kwargs={"product_id": product.pk, "what": what, "fmt": fmt}))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _rich_backlog(world):
    product = world.product
    sprint = f.SprintFactory(product=product, name="Sprint 3")
    release = f.ReleaseFactory(product=product, name="Spring")
    initiative = f.InitiativeFactory(product=product, title="Wallet")
    epic = f.BacklogItemFactory(product=product, title='=HYPERLINK("http://evil")', kind="epic", initiative=initiative)
    story = f.BacklogItemFactory(
        product=product, title="Pay, then smile", parent=epic, sprint=sprint, release=release, story_points=5,
        owner=world.users["contributor"], reach=100, impact=2, confidence=80, effort=4, moscow="must",
        business_value=5, time_criticality=3, risk_reduction=2, job_size=5, as_a="shopper", i_want="to pay",
        so_that="I leave happy", description="Line one\nLine two, with \"quotes\"", status="in_progress",
    )  # fmt: skip
    f.CriterionFactory(item=story, text="Receipt shown", order=1)
    AcceptanceCriterion.objects.create(item=story, text="Email sent", order=2, met=True)
    ExternalLink.objects.create(item=story, url="https://jira.example.com/browse/OLD-7", key="OLD-7")
    # Custom fields of the workspace, of every type a cell can carry.
    for key, name, kind, options in [
        ("tier", "Customer tier", "single_select", ["Gold", "Silver"]),
        ("areas", "Areas", "multi_select", ["Web", "iOS", "Android"]),
        ("cost", "Cost", "number", []),
        ("due", "Due", "date", []),
        ("spec", "Spec", "url", []),
        ("note", "Note", "text", []),
        ("reviewer", "Reviewer", "user", []),
    ]:
        FieldDefinition.objects.create(workspace=world.workspace, key=key, name=name, field_type=kind, options=options)
    custom = {"tier": "Gold", "areas": ["Web", "Android"], "cost": 2.5, "due": "2026-03-01", "note": "a; b, c"}
    custom |= {"spec": "https://example.com/spec", "reviewer": world.users["viewer"].pk}
    item_update(item=story, data={"custom_fields": custom}, actor=None)
    item_update(item=epic, data={"custom_fields": {"cost": 7}}, actor=None)
    item_update(item=story, data={"labels": ["mobile", "Checkout", "v2 launch"]}, actor=None)
    item_update(item=epic, data={"labels": ["checkout"]}, actor=None)  # the same label, whatever its case
    f.BacklogItemFactory(product=product, title="Bug without anything", kind="bug")
    return product


def _comparable(rows, drop=("rank", "rice_score", "wsjf_score")):
    """Rows without the columns that are ids in all but name (keys are renumbered through the map)."""
    header, *body = rows
    keys = {row[0]: f"#{i}" for i, row in enumerate(body)}  # an item's key -> its position
    out = []
    for row in body:
        record = dict(zip(header, row, strict=True))
        record["key"], record["parent"] = keys[record["key"]], keys.get(record["parent"], "")
        out.append({k: v for k, v in record.items() if k not in drop})
    return out


def test_backlog_csv_round_trip_into_a_new_product(world, importer):
    client = world.client("admin")
    product = _rich_backlog(world)
    first = _download(client, product, "backlog", "csv")
    assert first.startswith("\ufeff".encode())
    rows = _rows(first)
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'  # formulas neutralised
    labels = rows[0].index("labels")
    assert [row[labels] for row in rows[1:]] == ["Checkout", "Checkout, mobile, v2 launch", ""]
    custom = rows[0][rows[0].index("rank") + 1 :]
    assert custom == [
        "Custom: Areas", "Custom: Cost", "Custom: Customer tier", "Custom: Due", "Custom: Note", "Custom: Reviewer",
        "Custom: Spec",
    ]  # fmt: skip
    assert dict(zip(rows[0], rows[2], strict=True))["Custom: Areas"] == "Web; Android"
    other = f.ProductFactory(workspace=world.workspace, key="NEW", name="New")

    batch = importer.upload("backlog.csv", product=other, content=first)
    assert batch.format == "csv" and set(batch.mapping["columns"].values()) >= {
        "key",
        "parent",
        "acceptance_criteria",
        "external_links",
    }
    job, report = importer.run(batch)

    assert report["created"] == 3 and report["error_count"] == 0, report
    story = BacklogItem.objects.get(product=other, title="Pay, then smile")
    assert story.custom_fields == BacklogItem.objects.get(product=product, title="Pay, then smile").custom_fields
    second = _rows(_download(client, other, "backlog", "csv"))
    assert _comparable(second) == _comparable(rows)
    assert "'=HYPERLINK" not in BacklogItem.objects.filter(product=other).values_list("title", flat=True)[0]
    names = sorted(Label.objects.filter(product=other).values_list("name", flat=True))
    assert names == ["Checkout", "mobile", "v2 launch"]

    # The same file again updates the same items: no label is made twice, none is linked twice.
    _, again = importer.run(importer.upload("backlog.csv", product=other, content=first))
    assert again["created"] == 0 and again["error_count"] == 0, again
    assert Label.objects.filter(product=other).count() == 3
    assert _comparable(_rows(_download(client, other, "backlog", "csv"))) == _comparable(rows)


def test_backlog_xlsx_round_trip_and_formula_cells_are_text(world, importer):
    client = world.client("admin")
    product = _rich_backlog(world)
    data = _download(client, product, "backlog", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1][1] == '\'=HYPERLINK("http://evil")' and sheet.cell(2, 2).data_type == "s"
    other = f.ProductFactory(workspace=world.workspace, key="NEW", name="New")

    _, report = importer.run(importer.upload("backlog.xlsx", product=other, content=data))

    assert report["created"] == 3 and report["error_count"] == 0, report
    story = BacklogItem.objects.get(product=other, title="Pay, then smile")
    assert story.parent.kind == "epic" and story.sprint.name == "Sprint 3" and story.release.name == "Spring"
    assert (story.reach, story.rice_score, story.wsjf_score, story.moscow) == (100, 40, 2, "must")
    assert list(story.acceptance_criteria.values_list("text", "met")) == [
        ("Receipt shown", False),
        ("Email sent", True),
    ]
    assert story.owner == world.users["contributor"]
    assert sorted(label.name for label in story.labels.all()) == ["Checkout", "mobile", "v2 launch"]
    assert story.custom_fields == BacklogItem.objects.get(product=product, title=story.title).custom_fields


def test_generic_csv_with_a_mapping_errors_by_row_and_nothing_half_saved(world, importer):
    content = (
        b"Ref;Summary;Points;Size\n"
        b"A-1;Export invoices;3;2\n"
        b"A-2;;5;1\n"  # no title
        b"A-3;Import invoices;many;0\n"  # points not a number (warning), job size 0 (error)
    )
    batch = importer.upload("plan.csv", content=content)
    assert batch.mapping["columns"] == {}  # nothing named like a field: the person maps
    importer.map(batch, columns={"Ref": "key", "Summary": "title", "Points": "story_points", "Size": "job_size"})

    report = importer.dry_run(batch)

    assert report["error_count"] == len(report["errors"])
    assert {(e["row"], e["field"]) for e in report["errors"]} == {("row 2 (A-2)", "title"), ("row 3 (A-3)", "job_size")}
    assert any("many" in w["message"] for w in report["warnings"])
    assert not BacklogItem.objects.filter(product=world.product).exists()


def test_a_row_failing_in_the_real_run_leaves_nothing(world, importer):
    """A row that passed the dry run but fails at run time (the data changed meanwhile) rolls everything back."""
    content = b"key,title,status\nK-1,First,new\nK-2,Second,new\nK-3,Third,accepted\n"
    batch = importer.upload("plan.csv", content=content)
    assert importer.dry_run(batch)["error_count"] == 0
    # Meanwhile the importer became a contributor, who may not accept work (row K-3).
    world.workspace.memberships.filter(user=importer.actor).update(role="contributor")

    job = importer.start(batch, dry_run=False)

    assert job.state == "failed" and "nothing was imported" in job.error
    assert batch.state == "failed" and batch.report["errors"][0]["row"] == "row 3 (K-3)"
    assert not BacklogItem.objects.filter(product=world.product).exists()
    assert not ImportedObject.objects.filter(product=world.product).exists()


def test_initiatives_objectives_and_key_results_from_tables(world, importer):
    initiatives = (
        b"key,title,horizon,status,theme,release\nI-1,Wallet,now,planned,Payments,R1\nI-2,Loyalty,later,proposed,,\n"
    )
    objectives = b"key,title,period\nO-1,Grow revenue,2027-Q1\n"
    key_results = b"key,objective,title,start_value,target_value\nK-1,Grow revenue,MRR up,100,150\nK-2,Nope,Bad,1,2\n"

    _, report = importer.run(importer.upload("initiatives.csv", content=initiatives, target="initiatives"))
    assert report["created"] == 2
    wallet = Initiative.objects.get(product=world.product, title="Wallet")
    assert (wallet.horizon, wallet.status, wallet.theme.name, wallet.release.name) == (
        "now",
        "planned",
        "Payments",
        "R1",
    )
    _, report = importer.run(importer.upload("objectives.csv", content=objectives, target="objectives"))
    assert Objective.objects.filter(workspace=world.workspace, title="Grow revenue").exists()

    batch = importer.upload("krs.csv", content=key_results, target="key_results")
    report = importer.dry_run(batch)
    assert [e["row"] for e in report["errors"]] == ["row 2"]
    assert not KeyResult.objects.exists()

    again = importer.upload(
        "initiatives.csv", content=initiatives.replace(b"Loyalty", b"Loyalty club"), target="initiatives"
    )
    _, report = importer.run(again)
    assert (report["created"], report["updated"]) == (0, 2)
    assert Initiative.objects.filter(product=world.product).count() == 2


def test_custom_field_and_label_cells_are_checked_by_row(world, importer):
    FieldDefinition.objects.create(workspace=world.workspace, key="cost", name="Cost", field_type="number")
    theirs = FieldDefinition.objects.create(
        workspace=world.other_workspace, key="secret", name="Secret", field_type="text"
    )
    content = (
        "key,title,labels,Custom: Cost,Custom: Secret\n"
        'K-1,Fine,"ux, api",12,x\n'
        "K-2,Bad cost,,a lot,\n"
        f"K-3,Long label,{'y' * 60},,\n"
    ).encode()
    batch = importer.upload("plan.csv", content=content)
    # The workspace's own field is mapped by its column; another workspace's is never offered.
    assert batch.mapping["columns"] == {"key": "key", "title": "title", "labels": "labels", "Custom: Cost": "cf:cost"}
    with pytest.raises(ValidationError, match="columns"):
        importer.map(batch, columns={"Custom: Secret": f"cf:{theirs.key}"})

    report = importer.dry_run(batch)

    assert {(e["row"], e["field"]) for e in report["errors"]} == {("row 2 (K-2)", "custom_fields")}
    assert any("cut" in w["message"] for w in report["warnings"])  # a label too long is cut, with a warning
    assert not BacklogItem.objects.filter(product=world.product).exists()

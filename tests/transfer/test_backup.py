"""The lossless workspace export and its import into an empty workspace (the backup and the way out)."""

import io
import json

import pytest
from django.core.management import call_command

from backlog.models import AcceptanceCriterion, BacklogItem, ExternalLink, Label, Sprint
from backlog.services.items import item_update
from core.exceptions import ApplicationError
from okrs.models import KeyResult, Measurement, Objective
from roadmap.models import Initiative
from tests import factories as f
from transfer.selectors.backup import workspace_export_lines
from transfer.services.backup import workspace_import
from workspaces.models import Membership, Workspace


def _rich(world):
    product = world.product
    sprint = f.SprintFactory(product=product, name="Sprint 9")
    theme = f.ThemeFactory(product=product, name="Speed")
    release = f.ReleaseFactory(product=product, name="R1")
    objective = f.ObjectiveFactory(workspace=world.workspace, product=product, title="Grow", owner=world.users["admin"])
    child_objective = f.ObjectiveFactory(workspace=world.workspace, title="Grow more", parent=objective)
    kpi = f.KPIFactory(product=product, name="Churn")
    kr = f.KeyResultFactory(objective=objective, kpi=kpi, title="Churn down")
    f.MeasurementFactory(kpi=kpi, value=5)
    initiative = f.InitiativeFactory(product=product, title="Fast checkout", theme=theme, release=release)
    initiative.key_results.set([kr])
    initiative.kpis.set([kpi])
    epic = f.BacklogItemFactory(product=product, title="Epic", kind="epic", rank=5000, initiative=initiative)
    # the child comes first in id order but points to a later parent
    child = f.BacklogItemFactory(
        product=product,
        title="Child",
        rank=1000,
        sprint=sprint,
        owner=world.users["contributor"],
        reach=10,
        impact=2,
        confidence=80,
        effort=2,
    )
    child.parent = epic
    child.save()
    f.CriterionFactory(item=child, text="It works", order=1)
    item_update(item=child, data={"labels": ["Mobile", "checkout"]}, actor=None)
    item_update(item=epic, data={"labels": ["checkout"]}, actor=None)
    Label.objects.create(product=product, name="Unused", colour="#1f77b4")
    ExternalLink.objects.create(
        item=child, url="https://github.com/acme/pay/pull/7", key="acme/pay#7", kind="pull_request"
    )
    return child_objective


def _snapshot(workspace):
    items = BacklogItem.objects.filter(product__workspace=workspace).order_by("rank")
    return {
        "items": [
            (
                i.number,
                i.title,
                i.rank,
                i.kind,
                i.parent.title if i.parent else None,
                i.sprint.name if i.sprint else None,
                i.initiative.title if i.initiative else None,
                i.owner.username if i.owner else None,
                str(i.rice_score),
                i.created_at,
                i.version,
            )
            for i in items.select_related("parent", "sprint", "initiative", "owner")
        ],
        "criteria": list(
            AcceptanceCriterion.objects.filter(item__product__workspace=workspace).values_list(
                "item__title", "text", "met"
            )
        ),
        "links": list(
            ExternalLink.objects.filter(item__product__workspace=workspace).values_list(
                "item__title", "url", "key", "kind"
            )
        ),
        "sprints": list(
            Sprint.objects.filter(product__workspace=workspace).values_list("name", "start_date", "status")
        ),
        "objectives": sorted(
            Objective.objects.filter(workspace=workspace).values_list(
                "title", "parent__title", "owner__username", "product__key"
            )
        ),
        "krs": list(
            KeyResult.objects.filter(objective__workspace=workspace).values_list(
                "title", "kpi__name", "objective__title"
            )
        ),
        "initiatives": [
            (
                i.title,
                i.theme.name,
                i.release.name,
                [k.title for k in i.key_results.all()],
                [k.name for k in i.kpis.all()],
            )
            for i in Initiative.objects.filter(product__workspace=workspace)
        ],
        "measurements": list(
            Measurement.objects.filter(kpi__product__workspace=workspace).values_list("kpi__name", "value")
        ),
        "labels": sorted(
            Label.objects.filter(product__workspace=workspace).values_list("product__key", "name", "colour")
        ),
        "item_labels": sorted(
            BacklogItem.labels.through.objects.filter(backlogitem__product__workspace=workspace).values_list(
                "backlogitem__title", "label__name"
            )
        ),
        "members": sorted(Membership.objects.filter(workspace=workspace).values_list("user__username", "role")),
    }


def test_export_then_import_into_a_new_workspace_is_lossless(world):
    _rich(world)
    before = _snapshot(world.workspace)
    lines = list(workspace_export_lines(workspace=world.workspace))
    header, end = json.loads(lines[0]), json.loads(lines[-1])
    assert header["format"] == "pmhub-workspace-export" and header["version"] == 1 and end["end"] is True
    # Nothing of the other workspace leaks into the export.
    assert "RIV" not in "".join(lines) and "outsider" not in "".join(lines)

    workspace, counts = workspace_import(lines=lines, name="Restored")

    assert workspace.pk != world.workspace.pk and workspace.name == "Restored"
    assert counts["backlog.backlogitem"] == 2
    assert counts["backlog.label"] == 3 and counts["backlog.backlogitem.labels"] == 3
    assert _snapshot(workspace) == before
    assert len(before["item_labels"]) == 3 and len(before["labels"]) == 3


def test_import_into_an_existing_empty_workspace_and_refusals(world):
    _rich(world)
    lines = list(workspace_export_lines(workspace=world.workspace))
    empty = f.WorkspaceFactory(name="Empty")

    with pytest.raises(ApplicationError, match="must be empty"):
        workspace_import(lines=lines, into=world.workspace)
    with pytest.raises(ApplicationError, match="cut off"):
        workspace_import(lines=lines[:-1], into=empty)
    with pytest.raises(ApplicationError, match="not a PMHub workspace export"):
        workspace_import(lines=["{}\n", *lines[1:]], into=empty)
    assert not BacklogItem.objects.filter(product__workspace=empty).exists()  # nothing half-loaded

    workspace, _ = workspace_import(lines=lines, into=empty)
    assert workspace == empty and BacklogItem.objects.filter(product__workspace=empty).count() == 2


def test_commands_export_and_import(world, tmp_path):
    _rich(world)
    path = tmp_path / "acme.jsonl"
    call_command("export_workspace", str(world.workspace.pk), "--output", str(path), stderr=io.StringIO())
    out = io.StringIO()

    call_command("import_workspace", str(path), "--name", "Copy", stdout=out)

    copy = Workspace.objects.get(name="Copy")
    assert "backlog.backlogitem" in out.getvalue()
    assert _snapshot(copy) == _snapshot(world.workspace)

"""Imported items in an active sprint are in its burndown's ledger, as if a person had put them there."""

from backlog.models import BacklogItem, ScopeChangeKind, Sprint, SprintScopeChange, SprintStatus
from backlog.services.sprints import sprint_start
from tests import factories as f


def _ledger(sprint):
    rows = SprintScopeChange.objects.filter(sprint=sprint).select_related("item").order_by("pk")
    return [(r.kind, r.item.title if r.item else None, r.scope_points, r.scope_items) for r in rows]


def test_items_imported_into_a_running_sprint_are_scope_added_to_it(world, importer):
    sprint = f.SprintFactory(product=world.product, name="SHOP Sprint 4", status=SprintStatus.PLANNED)
    f.BacklogItemFactory(product=world.product, title="Already planned", sprint=sprint, story_points=2)
    sprint = sprint_start(sprint=sprint, actor=importer.actor)
    assert _ledger(sprint) == [(ScopeChangeKind.BASELINE, "Already planned", 2, 1)]

    _, report = importer.run(importer.upload("jira_v3_page1.json", "jira_v3_page2.json", "jira_fields.json"))

    assert report["created"] == 3
    imported = list(BacklogItem.objects.filter(sprint=sprint).exclude(title="Already planned"))
    assert imported, "the fixture puts items in SHOP Sprint 4"
    assert _ledger(sprint)[1:] == [(ScopeChangeKind.ADDED, i.title, i.story_points or 0, 1) for i in imported]


def test_a_sprint_active_in_the_source_starts_with_its_imported_items_as_baseline(world, importer):
    _, report = importer.run(importer.upload("jira_v3_page1.json", "jira_v3_page2.json", "jira_fields.json"))

    sprint = Sprint.objects.get(product=world.product, name="SHOP Sprint 4")
    assert sprint.status == SprintStatus.ACTIVE and sprint.started_at is not None
    items = list(BacklogItem.objects.filter(sprint=sprint).order_by("pk"))
    assert items
    assert sorted(_ledger(sprint)) == sorted((ScopeChangeKind.BASELINE, i.title, i.story_points or 0, 1) for i in items)


def test_a_source_sprint_that_cannot_start_stays_planned_with_a_warning(world, importer):
    running = f.SprintFactory(product=world.product, name="Ours", status=SprintStatus.PLANNED)
    sprint_start(sprint=running, actor=importer.actor)

    _, report = importer.run(importer.upload("jira_v3_page1.json", "jira_v3_page2.json", "jira_fields.json"))

    sprint = Sprint.objects.get(product=world.product, name="SHOP Sprint 4")
    assert sprint.status == SprintStatus.PLANNED
    assert not SprintScopeChange.objects.filter(sprint=sprint).exists()
    assert any("stays planned" in w["message"] for w in report["warnings"])

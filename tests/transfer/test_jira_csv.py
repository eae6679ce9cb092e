"""The Jira "CSV (all fields)" export, with its quirks, through the whole import machinery."""

from backlog.models import BacklogItem, Label, Sprint
from collaboration.models import Comment
from integrations.models import WebhookDelivery
from integrations.webhooks import webhook_create
from jobs.models import JobState
from notifications.models import Notification, Watch
from tests.transfer.conftest import FIXTURES
from transfer.models import ImportedObject, ImportState


def _backlog(product):
    return list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("title", flat=True))


def test_preview_detects_formats_counts_statuses_people_and_sprints(world, importer):
    batch = importer.upload("jira_all_fields.csv")

    assert batch.format == "jira_csv"
    detected = batch.detected
    assert detected["count"] == 5
    assert detected["kinds"] == {"Epic": 1, "Story": 2, "Bug": 1, "Sub-task": 1}
    assert sorted(detected["sprints"]) == ["Sprint 1", "Sprint 2"]
    assert detected["with_parent"] == 3  # two by Parent id, one by the older Epic Link
    assert batch.mapping["status"] == {
        "In Progress": "in_progress",
        "To Do": "new",
        "Done": "done",
        "In Review": "in_progress",
    }
    assert batch.mapping["kind"]["Sub-task"] == "chore" and batch.mapping["kind"]["Epic"] == "epic"


def test_dry_run_reports_and_writes_nothing(world, importer):
    batch = importer.upload("jira_all_fields.csv")

    report = importer.dry_run(batch)

    assert report["created"] == 5 and report["error_count"] == 0
    assert any("rounded to 3" in w["message"] for w in report["warnings"])  # 2.5 story points
    assert batch.state == ImportState.CHECKED
    assert not BacklogItem.objects.filter(product=world.product).exists()
    assert not Sprint.objects.filter(product=world.product).exists()
    assert not ImportedObject.objects.exists()


def test_run_keeps_order_hierarchy_points_sprints_labels_and_comments(world, importer):
    batch = importer.upload("jira_all_fields.csv")
    grace = world.users["product_owner"]
    grace.first_name, grace.last_name = "Grace", "Hopper"
    grace.save()
    importer.map(batch, people={"Grace Hopper": grace.pk})

    job, report = importer.run(batch)

    assert job.state == JobState.SUCCEEDED and job.progress == 100
    assert report["created"] == 5
    # Rank order is the LexoRank order, not the file order.
    assert _backlog(world.product) == [
        "Pay with a saved card",
        "Save a card at checkout",
        "Card declined message is unclear",
        "Update card expiry",
        "Checkout in one click",
    ]
    items = {
        i.title: i
        for i in BacklogItem.objects.filter(product=world.product).select_related("parent", "sprint", "owner")
    }
    epic, story, done = items["Checkout in one click"], items["Save a card at checkout"], items["Pay with a saved card"]
    assert story.parent == epic and done.parent == epic and items["Update card expiry"].parent == story
    assert epic.kind == "epic" and story.kind == "story" and items["Card declined message is unclear"].kind == "bug"
    assert story.story_points == 5 and done.story_points == 3 and done.status == "done" and done.done_at is not None
    assert story.sprint.name == "Sprint 2"  # the last sprint of the repeated Sprint columns
    assert story.owner == grace
    assert sorted(label.name for label in story.labels.all()) == ["cards", "frontend"]
    assert "Labels:" not in story.description
    assert "```python\nsave(card)\n```" in story.description
    comments = " ".join(
        Comment.objects.filter(target_id=story.pk, target_type__model="backlogitem").values_list("body", flat=True)
    )
    assert "Looks good; ship it after review." in comments and "Agreed." in comments  # as the item's comments
    assert "## Comments" not in story.description
    assert "# pay with a declined card" not in items["Card declined message is unclear"].description
    assert "**without**" in epic.description and "## Goal" in epic.description


def test_importing_the_same_file_again_updates_instead_of_duplicating(world, importer):
    importer.run(importer.upload("jira_all_fields.csv"))
    first = dict(BacklogItem.objects.filter(product=world.product).values_list("title", "pk"))
    links = sorted(BacklogItem.labels.through.objects.values_list("backlogitem_id", "label__name"))
    assert links and Label.objects.filter(product=world.product).count() == len({name for _, name in links})
    changed = (
        (FIXTURES / "jira_all_fields.csv")
        .read_bytes()
        .replace(b"Card declined message is unclear", b"Card declined message is clear now")
    )

    _, report = importer.run(importer.upload("jira_all_fields.csv", content=changed))

    assert report["created"] == 0 and report["updated"] == 1 and report["unchanged"] == 4
    after = dict(BacklogItem.objects.filter(product=world.product).values_list("title", "pk"))
    assert len(after) == 5
    assert after["Card declined message is clear now"] == first["Card declined message is unclear"]
    # Labels are matched by name: none is made twice, no item gets one twice, none is lost.
    assert sorted(BacklogItem.labels.through.objects.values_list("backlogitem_id", "label__name")) == links
    assert Label.objects.filter(product=world.product).count() == len({name for _, name in links})


def test_imported_items_are_announced_to_webhooks_one_delivery_each(world, importer, settings):
    from integrations.models import WebhookDelivery
    from integrations.webhooks import webhook_create

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    webhook_create(workspace=world.workspace, url="http://127.0.0.1:9/hook", events=["item.created"], actor=None)

    importer.run(importer.upload("jira_all_fields.csv"))

    deliveries = WebhookDelivery.objects.filter(event="item.created")
    titles = sorted(d.payload["data"]["title"] for d in deliveries)
    assert titles == sorted(BacklogItem.objects.filter(product=world.product).values_list("title", flat=True))
    assert len(titles) == 5


def test_imported_comments_are_history_not_news_and_their_markdown_is_made_safe(world, importer, mailoutbox, settings):
    """An import brings the source's comments along without notifying anyone, sending a webhook event
    or making the importer watch every item; a script in a comment never reaches a page."""

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    webhook_create(workspace=world.workspace, url="http://127.0.0.1:9/hook", events=["comment.*", "item.*"], actor=None)
    source = (FIXTURES / "jira_all_fields.csv").read_bytes()
    hostile = source.replace(b"Agreed.", b"Agreed <script>alert(1)</script> @contributor_user", 1)
    assert hostile != source
    job, report = importer.run(importer.upload("jira_all_fields.csv", content=hostile))

    assert job.state == JobState.SUCCEEDED
    agreed = Comment.objects.get(body__contains="Agreed")
    assert "<script" not in agreed.body_html and "Agreed" in agreed.body_html
    assert agreed.author == importer.actor and agreed.workspace == world.workspace
    assert not agreed.mentions.exists()
    assert not Notification.objects.exists() and mailoutbox == []
    assert not Watch.objects.filter(user=importer.actor).exists()
    events = set(WebhookDelivery.objects.values_list("event", flat=True))
    assert "item.created" in events and not any(event.startswith("comment.") for event in events)

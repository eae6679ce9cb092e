"""Jira REST search pages (v2 wiki markup, v3 Atlassian Document Format) and Trello board exports."""

from backlog.models import AcceptanceCriterion, BacklogItem, ExternalLink
from collaboration.models import Comment


def _items(product):
    return {i.title: i for i in BacklogItem.objects.filter(product=product).select_related("parent", "sprint")}


def _order(product):
    return list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("title", flat=True))


def test_jira_v3_pages_with_a_field_list(world, importer):
    batch = importer.upload("jira_v3_page1.json", "jira_v3_page2.json", "jira_fields.json")
    assert batch.format == "jira_json" and batch.detected["count"] == 3

    _, report = importer.run(batch)

    assert report["created"] == 3
    items = _items(world.product)
    epic, story, sub = items["Wishlist"], items["Add to wishlist"], items["Heart icon"]
    assert story.parent == epic and sub.parent == story
    assert (epic.kind, story.kind, sub.kind) == ("epic", "story", "chore")
    assert story.story_points == 3 and sub.story_points == 1 and sub.status == "done"
    assert story.sprint.name == "SHOP Sprint 4" and story.sprint.status == "active"
    assert str(story.sprint.start_date) == "2025-11-10" and str(story.sprint.end_date) == "2025-11-24"
    assert "## Why" in epic.description and "**save**" in epic.description and "- add\n- remove" in epic.description
    assert (
        "[docs](https://example.com/spec)" in story.description and "```js\nwishlist.add(id)\n```" in story.description
    )
    (comment,) = Comment.objects.filter(target_id=story.pk, target_type__model="backlogitem")
    assert comment.body == "**Grace Hopper · 2025-11-12 15:04**\n\nUse the *outline* icon."  # ADF → Markdown
    assert "<em>outline</em>" in comment.body_html
    assert _order(world.product) == [
        "Add to wishlist",
        "Heart icon",
        "Wishlist",
    ]  # rank 0|i00007: < 0|i0000a: < 0|i0000f:
    link = ExternalLink.objects.get(item=story)
    assert (link.url, link.key) == ("https://acme.atlassian.net/browse/SHOP-2", "SHOP-2")


def test_jira_v2_page_with_names_greenhopper_sprints_and_epic_link(world, importer):
    batch = importer.upload("jira_v2_search.json")

    _, report = importer.run(batch)

    assert report["created"] == 2
    items = _items(world.product)
    story = items["Rotate keys"]
    assert story.parent == items["Security hardening"]  # Epic Link, resolved from the page's names
    assert story.story_points == 8 and story.status == "done"
    assert story.sprint.name == "Ops Sprint 3" and story.sprint.status == "closed"
    assert "Rotate **all** keys.\n1. staging\n1. production" in story.description
    on_story = Comment.objects.filter(target_id=story.pk, target_type__model="backlogitem")
    assert any(c.body.endswith("Done on **staging**.") for c in on_story)  # wiki markup → Markdown, as a comment


def test_trello_board_lists_cards_labels_checklists_comments(world, importer):
    batch = importer.upload("trello_board.json")
    assert batch.format == "trello" and batch.detected["count"] == 4  # archived card and archived list left out
    assert batch.mapping["status"] == {"Backlog": "new", "Doing": "in_progress", "Done": "done"}

    _, report = importer.run(batch)

    assert report["created"] == 4
    # Lists by pos (Backlog, Doing, Done), cards by pos within a list.
    assert _order(world.product) == ["Crash on launch", "Dark mode", "Push notifications", "Onboarding"]
    items = _items(world.product)
    dark = items["Dark mode"]
    criteria = list(AcceptanceCriterion.objects.filter(item=dark).values_list("text", "met"))
    assert criteria == [("Follows the OS setting", True), ("Contrast passes WCAG AA", False)]
    assert dark.has_criteria
    # Real labels, not text: a card's label by name, a nameless one by its colour.
    assert [label.name for label in dark.labels.all()] == ["Quick win"] and "Labels:" not in dark.description
    assert [label.name for label in items["Crash on launch"].labels.all()] == ["red"]
    comments = Comment.objects.filter(target_id=dark.pk, target_type__model="backlogitem").order_by("pk")
    assert [c.body.rsplit("\n", 1)[-1] for c in comments] == ["First comment", "Second comment"]  # in order
    assert "## Comments" not in dark.description
    assert "Due: 2025-12-15" in dark.description
    assert items["Onboarding"].status == "done"
    assert ExternalLink.objects.filter(item=dark, url="https://trello.com/c/aaa111").exists()


def test_trello_archived_cards_on_request(world, importer):
    batch = importer.upload("trello_board.json")
    importer.map(batch, include_archived=True, status={"Ideas (old)": "new"})

    _, report = importer.run(batch)

    assert report["created"] == 6
    assert "Archived in Trello" in _items(world.product)["Old archived idea"].description


def test_comments_go_to_a_registered_writer_instead_of_the_description(world, importer):
    from transfer.comments import comment_writer, register_comment_writer

    written, previous = [], comment_writer()
    register_comment_writer(
        lambda *, batch, actor: written.extend((item.title, [c.body for c in comments]) for item, comments in batch)
    )
    try:
        _, report = importer.run(importer.upload("trello_board.json"))
    finally:
        register_comment_writer(previous)

    # Called by the dry run (rolled back with it) and by the run.
    assert written == [("Dark mode", ["First comment", "Second comment"])] * 2
    assert "## Comments" not in _items(world.product)["Dark mode"].description

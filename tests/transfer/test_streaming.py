"""The JSON formats are streamed: what `json.load` of the whole file gave, they give one element at a time."""

import json

import pytest
from django.core.exceptions import ValidationError

from backlog.models import AcceptanceCriterion, BacklogItem
from collaboration.models import Comment
from transfer.selectors.sources import json_file, source_items


def _board(cards, *, actions=(), checklists=(), padding=""):
    # Trello writes actions before the cards and the lists and checklists after them.
    return {
        "id": "b1",
        "name": "Board",
        "desc": padding,
        "url": "https://trello.com/b/b1",
        "actions": list(actions),
        "cards": cards,
        "lists": [{"id": "l1", "name": "Todo", "pos": 1, "closed": False}],
        "members": [],
        "checklists": list(checklists),
    }


def _card(card_id, name, pos):
    return {"id": card_id, "name": name, "idList": "l1", "pos": pos, "closed": False, "labels": [], "desc": ""}


def test_trello_checklists_and_comments_after_the_cards_reach_their_cards(world, importer):
    cards = [_card(f"c{n}", f"Card {n}", n) for n in range(1, 4)]
    checklists = [
        {"id": "k2", "idCard": "c2", "pos": 2, "checkItems": [{"name": "Second list", "state": "open", "pos": 1}]},
        {
            "id": "k1",
            "idCard": "c2",
            "pos": 1,
            "checkItems": [
                {"name": "Later", "state": "complete", "pos": 9},
                {"name": "Sooner", "state": "incomplete", "pos": 3},
            ],
        },
    ]
    actions = [  # newest first, as Trello lists them
        {"type": "commentCard", "date": "2025-11-02T10:00:00Z", "data": {"card": {"id": "c3"}, "text": "Two"}},
        {"type": "updateCard", "date": "2025-11-01T11:00:00Z", "data": {"card": {"id": "c3"}}},
        {"type": "commentCard", "date": "2025-11-01T10:00:00Z", "data": {"card": {"id": "c3"}, "text": "One"}},
    ]
    content = json.dumps(_board(cards, actions=actions, checklists=checklists)).encode()

    _, report = importer.run(importer.upload("board.json", content=content, format="trello"))

    assert report["created"] == 3
    two = BacklogItem.objects.get(product=world.product, title="Card 2")
    assert list(AcceptanceCriterion.objects.filter(item=two).values_list("text", "met")) == [
        ("Sooner", False),
        ("Later", True),
        ("Second list", False),
    ]
    three = BacklogItem.objects.get(product=world.product, title="Card 3")
    bodies = Comment.objects.filter(target_id=three.pk, target_type__model="backlogitem").order_by("pk")
    assert [c.body.rsplit("\n", 1)[-1] for c in bodies] == ["One", "Two"]


def test_an_escaped_nul_cut_by_a_read_block_is_still_dropped(world, importer):
    # The reader decodes 256 Ki characters at a time: put the escape across the first block's end.
    prefix = json.dumps(_board([], padding=""))[: len('{"id": "b1", "name": "Board", "desc": "')]
    padding = "x" * (256 * 1024 - len(prefix) - 3)
    board = _board([_card("c1", "Null\\u0000byte", 1)], padding=padding + "\\u0000")
    content = json.dumps(board).replace("\\\\u0000", "\\u0000").encode()
    assert content.index(b"\\u0000") < 256 * 1024 < content.index(b"\\u0000") + 6

    batch = importer.upload("board.json", content=content, format="trello")

    assert [i.title for i in source_items(batch)] == ["Nullbyte"]


def test_a_byte_order_mark_and_bad_bytes_are_read_as_the_text_reader_reads_them(world, importer):
    content = b"\xef\xbb\xbf" + json.dumps(_board([_card("c1", "Caf\u00e9 PLACEHOLDER", 1)])).encode()
    content = content.replace(b"PLACEHOLDER", b"\xff")

    batch = importer.upload("board.json", content=content, format="trello")

    assert [i.title for i in source_items(batch)] == ["Café \ufffd"]


def test_a_truncated_json_file_is_a_form_error_naming_the_file(world, importer):
    content = json.dumps(_board([_card("c1", "A", 1)])).encode()[:-40]

    with pytest.raises(ValidationError) as error:
        importer.upload("board.json", content=content, format="trello")

    assert "“board.json” is not valid JSON" in str(error.value)


def test_a_jira_page_whose_field_names_follow_its_issues(world, importer):
    page = {
        "startAt": 0,
        "issues": [
            {
                "key": "OPS-1",
                "fields": {"summary": "Rotate keys", "issuetype": {"name": "Story"}, "customfield_12345": 5},
            }
        ],
        "names": {"customfield_12345": "Story Points"},  # expand=names: Jira writes it after the issues
    }

    _, report = importer.run(importer.upload("page.json", content=json.dumps(page).encode()))

    assert report["created"] == 1
    assert BacklogItem.objects.get(product=world.product).story_points == 5


def test_a_json_document_of_another_shape_is_a_form_error(world, importer):
    with pytest.raises(ValidationError) as error:
        importer.upload("page.json", content=b'{"issues": 3}', format="jira_json")

    assert "neither a page of Jira's issue search" in str(error.value)


def test_each_open_reads_the_stored_file_from_its_start(world, importer):
    batch = importer.upload("board.json", content=json.dumps(_board([])).encode(), format="trello")
    file = json_file(batch.files.get())

    assert file.open().read() == file.open().read() != b""

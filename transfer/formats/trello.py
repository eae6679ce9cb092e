"""A Trello board's JSON export (Menu → Print, export and share → Export as JSON).

Lists become statuses (mapped in the preview) and keep their `pos` order; cards keep theirs within
a list, so the backlog reads like the board, left to right and top to bottom. A label without a
name is known by its colour. Checklist items become acceptance criteria (complete = met);
`commentCard` actions become comments; archived cards and cards of archived lists are left out
unless asked for.

The export is streamed in two passes (memory stays flat however big the board): the first keeps the
lists and members (a board has few) and writes checklist items and comments to an index on disk,
keyed by card; the second reads the cards one at a time and looks each one's up.
"""

import os
import sqlite3
import tempfile
from collections.abc import Iterator

from . import streaming
from .records import Comment, SourceError, SourceItem, parse_date
from .streaming import JsonFile


def _card_id(value) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else ""


class CardIndex:
    """Checklist items and comments by card id, in a temporary SQLite file."""

    def __init__(self):
        self.directory = tempfile.TemporaryDirectory(prefix="pmhub-trello-")  # noqa: SIM115 (closed by close())
        self.db = sqlite3.connect(os.path.join(self.directory.name, "cards.sqlite3"))
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE checks (card TEXT, list_pos REAL, list_seq INT, pos REAL, seq INT, name TEXT, done INT);"
            "CREATE TABLE comments (card TEXT, created TEXT, seq INT, author TEXT, body TEXT);"
        )
        self.seq = 0

    def add_checklist(self, checklist: dict) -> None:
        self.seq += 1
        list_pos = float(checklist.get("pos") or 0)
        rows = [
            (_card_id(checklist.get("idCard")), list_pos, self.seq, float(check.get("pos") or 0), index,
             check.get("name", ""), check.get("state") == "complete")
            for index, check in enumerate(checklist.get("checkItems") or [])
        ]  # fmt: skip
        self.db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def add_action(self, action: dict) -> None:
        if action.get("type") != "commentCard":
            return
        self.seq += 1
        data = action.get("data") or {}
        creator = action.get("memberCreator") or {}
        self.db.execute(
            "INSERT INTO comments VALUES (?, ?, ?, ?, ?)",
            (
                _card_id((data.get("card") or {}).get("id")),
                str(action.get("date", ""))[:16].replace("T", " "),
                self.seq,
                creator.get("fullName") or creator.get("username", ""),
                str(data.get("text", "")),
            ),
        )

    def ready(self) -> None:
        self.db.executescript(
            "CREATE INDEX checks_card ON checks (card); CREATE INDEX comments_card ON comments (card);"
        )

    def criteria(self, card_id: str) -> list[tuple[str, bool]]:
        rows = self.db.execute(
            "SELECT name, done FROM checks WHERE card = ? ORDER BY list_pos, list_seq, pos, seq", (card_id,)
        )
        return [(name, bool(done)) for name, done in rows]

    def comments(self, card_id: str) -> list[Comment]:
        # The board's actions list newest first; comments read oldest first.
        rows = self.db.execute(
            "SELECT author, created, body FROM comments WHERE card = ? ORDER BY created, seq", (card_id,)
        )
        return [Comment(author=author, created=created, body=body) for author, created, body in rows]

    def close(self) -> None:
        self.db.close()
        self.directory.cleanup()


def read(file: JsonFile, *, include_archived: bool = False) -> Iterator[SourceItem]:
    by_card = CardIndex()
    try:
        yield from _read(file, by_card, include_archived)
    except streaming.JSONError as error:
        raise streaming.invalid(file.name, error) from None
    finally:
        by_card.close()


def _read(file: JsonFile, by_card: CardIndex, include_archived: bool) -> Iterator[SourceItem]:
    shape: dict = {}
    lists, members = {}, {}
    wanted = ["lists.item", "members.item", "checklists.item", "actions.item"]
    for prefix, element in streaming.elements(file.open, wanted, shape):
        if prefix == "lists.item" and isinstance(element, dict) and "id" in element:
            lists[element["id"]] = element
        elif prefix == "members.item" and isinstance(element, dict):
            members[element.get("id")] = element
        elif prefix == "checklists.item":
            by_card.add_checklist(element)
        elif prefix == "actions.item":
            by_card.add_action(element)
    if shape["top"] != "map" or not {"cards", "lists"} <= shape["arrays"]:
        raise SourceError("This is not a Trello board export: it has no “cards” and “lists”.")
    by_card.ready()
    list_order = {lid: (float(lst.get("pos") or 0), index) for index, (lid, lst) in enumerate(lists.items())}
    cards = (c for c in streaming.items(file.open, "cards.item") if isinstance(c, dict) and c.get("id"))
    for number, card in enumerate(cards, 1):
        lst = lists.get(card.get("idList"), {})
        archived = bool(card.get("closed") or lst.get("closed"))
        if archived and not include_archived:
            continue
        item = SourceItem(
            key=card["id"],
            row=f"card {card.get('idShort') or number} “{card.get('name', '')[:40]}”",
            title=card.get("name", ""),
        )
        item.status = lst.get("name", "")
        item.type = "Card"
        item.description = card.get("desc", "")
        item.labels = [label.get("name") or label.get("color") or "" for label in card.get("labels") or []]
        item.labels = [label for label in item.labels if label]
        item.order = (*list_order.get(card.get("idList"), (0.0, 0)), float(card.get("pos") or 0), number)
        item.criteria = by_card.criteria(_card_id(card["id"]))
        item.comments = by_card.comments(_card_id(card["id"]))
        assigned = [members.get(mid, {}) for mid in card.get("idMembers") or []]
        if assigned:
            item.assignee = assigned[0].get("username") or assigned[0].get("fullName", "")
            if len(assigned) > 1:
                item.notes.append("Members: " + ", ".join(m.get("fullName") or m.get("username", "") for m in assigned))
        item.due = parse_date(card.get("due"))
        if card.get("dueComplete"):
            item.notes.append("Due date marked complete")
        if archived:
            item.notes.append("Archived in Trello")
        url = card.get("shortUrl") or card.get("url")
        if url:
            item.links.append((url, f"trello:{card.get('shortLink') or card['id']}"))
        yield item

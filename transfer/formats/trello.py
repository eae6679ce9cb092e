"""A Trello board's JSON export (Menu → Print, export and share → Export as JSON).

Lists become statuses (mapped in the preview) and keep their `pos` order; cards keep theirs within
a list, so the backlog reads like the board, left to right and top to bottom. A label without a
name is known by its colour. Checklist items become acceptance criteria (complete = met);
`commentCard` actions become comments; archived cards and cards of archived lists are left out
unless asked for.
"""

from collections.abc import Iterator

from .records import Comment, SourceError, SourceItem, parse_date


def is_board(document) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("cards"), list)
        and isinstance(document.get("lists"), list)
    )


def read(board: dict, *, include_archived: bool = False) -> Iterator[SourceItem]:
    if not is_board(board):
        raise SourceError("This is not a Trello board export: it has no “cards” and “lists”.")
    lists = {lst["id"]: lst for lst in board["lists"] if isinstance(lst, dict) and "id" in lst}
    list_order = {lid: (float(lst.get("pos") or 0), index) for index, (lid, lst) in enumerate(lists.items())}
    members = {m.get("id"): m for m in board.get("members") or [] if isinstance(m, dict)}
    checklists: dict[str, list[dict]] = {}
    for checklist in board.get("checklists") or []:
        checklists.setdefault(checklist.get("idCard"), []).append(checklist)
    comments: dict[str, list[Comment]] = {}
    for action in board.get("actions") or []:
        if action.get("type") != "commentCard":
            continue
        data = action.get("data") or {}
        card_id = (data.get("card") or {}).get("id")
        creator = action.get("memberCreator") or {}
        comments.setdefault(card_id, []).append(
            Comment(
                author=creator.get("fullName") or creator.get("username", ""),
                created=str(action.get("date", ""))[:16].replace("T", " "),
                body=data.get("text", ""),
            )
        )
    cards = [c for c in board["cards"] if isinstance(c, dict) and c.get("id")]
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
        for checklist in sorted(checklists.get(card["id"], []), key=lambda c: float(c.get("pos") or 0)):
            for check in sorted(checklist.get("checkItems") or [], key=lambda c: float(c.get("pos") or 0)):
                item.criteria.append((check.get("name", ""), check.get("state") == "complete"))
        # The board's actions list newest first; comments read oldest first.
        item.comments = sorted(comments.get(card["id"], []), key=lambda c: c.created)
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

"""Part of `python -m bench transfer`: the JSON formats (Trello board, Jira REST search pages) at two
sizes, to show that the import worker's memory does not follow the file.

For each file three figures, each in a fresh child process:
- the reader's own peak (tracemalloc: Python allocations while every item is read and dropped), next
  to the baseline of the same run: `json.loads` of the stored file, one file at a time, as the
  readers did before they streamed;
- the whole import's peak resident memory (ru_maxrss of the child after the import, minus that of a
  child that only starts Django). This one grows with the number of items, by what the import keeps
  per item (its key, order, parent and the report's line), not by the size of their contents.
"""

import json
import os
import random
from pathlib import Path

SIZES = tuple(int(n) for n in os.environ.get("BENCH_TRANSFER_JSON_SIZES", "5000,50000").split(","))
# The whole import (writes included) up to this many items; above, the reader's peaks only (a loaded
# machine takes long over 50,000 inserts).
IMPORT_MAX = int(os.environ.get("BENCH_TRANSFER_JSON_IMPORT_MAX", "50000"))
JIRA_PAGE = 5_000  # issues per uploaded page file
LOREM = (
    "As a shopper I want to pay with a saved card so that checkout takes one tap. "
    "The form remembers the last card, masks its number and asks for the CVC only. "
)


def _adf(text: str) -> dict:
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Why"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": text}]},
            {
                "type": "bulletList",
                "content": [
                    {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": w}]}]}
                    for w in ("first", "second")
                ],
            },
        ],
    }


def write_trello(path: Path, cards: int) -> None:
    """A board as Trello writes it: actions first (newest first), then cards, labels, lists, checklists."""
    rng = random.Random(7)
    lists = [{"id": f"L{n}", "name": name, "closed": False, "pos": 65535 * (n + 1)} for n, name in
             enumerate(["Backlog", "Doing", "Review", "Done"])]  # fmt: skip
    with path.open("w", encoding="utf-8") as out:
        out.write('{"id": "board1", "name": "Bench board", "url": "https://trello.com/b/bench", "actions": [')
        for n in range(cards, 0, -1):
            for k in (2, 1):
                out.write("," if (n, k) != (cards, 2) else "")
                action = {
                    "id": f"a{n}-{k}", "type": "commentCard", "date": f"2025-11-{k:02d}T10:00:00.000Z",
                    "data": {"card": {"id": f"c{n}", "name": f"Card {n}"}, "text": f"Comment {k} on {n}. {LOREM}"},
                    "memberCreator": {"id": "m1", "fullName": "Ada Lovelace", "username": "ada"},
                }  # fmt: skip
                out.write(json.dumps(action))
        out.write('], "cards": [')
        for n in range(1, cards + 1):
            card = {
                "id": f"c{n}", "idShort": n, "name": f"Card {n}: a feature with a descriptive name",
                "desc": f"**Card {n}**\n\n{LOREM}", "closed": False, "idList": f"L{rng.randrange(4)}",
                "pos": rng.randrange(1, 10**7), "labels": [{"id": "g", "name": "Quick win", "color": "green"}],
                "idMembers": [], "due": None, "shortUrl": f"https://trello.com/c/s{n}", "shortLink": f"s{n}",
            }  # fmt: skip
            out.write(("," if n > 1 else "") + json.dumps(card))
        out.write('], "labels": [{"id": "g", "name": "Quick win", "color": "green"}], "lists": ')
        out.write(json.dumps(lists) + ', "members": [{"id": "m1", "fullName": "Ada Lovelace", "username": "ada"}], ')
        out.write('"checklists": [')
        for n in range(2, cards + 1, 2):
            items = [{"id": f"i{n}-{k}", "name": f"Criterion {k}", "state": "complete" if k == 1 else "incomplete",
                      "pos": k} for k in range(1, 4)]  # fmt: skip
            out.write(
                ("," if n > 2 else "") + json.dumps({"id": f"k{n}", "idCard": f"c{n}", "pos": 1, "checkItems": items})
            )
        out.write("]}")


def write_jira_pages(directory: Path, issues: int) -> list[Path]:
    """REST v3 search pages of JIRA_PAGE issues each (ADF descriptions and comments, epics and stories)."""
    rng = random.Random(11)
    paths = []
    for start in range(0, issues, JIRA_PAGE):
        path = directory / f"jira-{issues}-{start // JIRA_PAGE + 1}.json"
        with path.open("w", encoding="utf-8") as out:
            out.write(
                json.dumps({"expand": "schema,names", "startAt": start, "maxResults": JIRA_PAGE, "total": issues})[:-1]
            )
            out.write(', "issues": [')
            for n in range(start + 1, min(issues, start + JIRA_PAGE) + 1):
                epic = n % 50 == 1
                fields = {
                    "summary": f"Feature {n}: a story with a descriptive summary",
                    "issuetype": {"name": "Epic" if epic else "Story", "subtask": False},
                    "status": {"name": "To Do", "statusCategory": {"key": "new"}},
                    "description": _adf(f"Feature {n}. {LOREM}"),
                    "labels": ["payments"],
                    "customfield_10016": None if epic else rng.choice([1, 2, 3, 5, 8]),
                    "customfield_10019": f"0|i{n:06d}:",
                    "customfield_10020": [{"name": f"Sprint {n % 20}", "state": "closed"}],
                    "comment": {
                        "comments": [
                            {
                                "author": {"displayName": "Ada"},
                                "created": "2025-11-12T15:04:00.000+0000",
                                "body": _adf(f"Looks good for {n}."),
                            }
                        ]
                    },  # fmt: skip
                }
                if not epic:
                    fields["parent"] = {"key": f"BEN-{n - (n - 1) % 50}"}
                url = f"https://acme.atlassian.net/rest/api/3/issue/{10000 + n}"
                issue = {"id": str(10000 + n), "key": f"BEN-{n}", "self": url, "fields": fields}
                out.write(("," if n > start + 1 else "") + json.dumps(issue))
            out.write("]}")
        paths.append(path)
    return paths


def read_peaks(batch) -> dict:
    """In a child: tracemalloc peaks of the streamed reader and of `json.loads` of each stored file."""
    import tracemalloc

    from transfer.selectors.sources import batch_files, source_items, text

    tracemalloc.start()
    count = sum(1 for _ in source_items(batch))
    streamed = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    for file in batch_files(batch):
        document = json.loads(text(file).read())
        del document
    loaded = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"count": count, "streamed_mb": streamed / 2**20, "loaded_mb": loaded / 2**20}


def json_imports(tmp: Path, child, upload_of, product_of, user) -> None:
    """Upload, then in children: read peaks and import peak, for each format and size."""
    from transfer.services.batches import import_batch_create

    idle = child("idle")
    django_mb = idle["max_rss_mb"]
    print(f"JSON imports (reader peak: tracemalloc; import peak: ru_maxrss minus Django alone, {django_mb:.0f} MB)")
    for fmt in ("trello", "jira_json"):
        for size in SIZES:
            if fmt == "trello":
                paths = [tmp / f"trello-{size}.json"]
                write_trello(paths[0], size)
            else:
                paths = write_jira_pages(tmp, size)
            megabytes = sum(p.stat().st_size for p in paths) / 2**20
            product = product_of(f"{fmt[:1].upper()}{size // 1000}K")
            batch = import_batch_create(product=product, files=[upload_of(p) for p in paths], actor=user, format=fmt)
            assert batch.detected["count"] == size, batch.detected
            reads = child("read", batch_id=batch.pk)
            line = (
                f"  {fmt:9} {size:>6,} items, {megabytes:6.1f} MB in {len(paths)} file(s): "
                f"reader peak {reads['streamed_mb']:5.1f} MB (json.loads baseline {reads['loaded_mb']:6.1f} MB)"
            )
            if size <= IMPORT_MAX:
                run = child("import", batch_id=batch.pk, actor_id=user.pk)
                assert run["created"] == size, run
                line += (
                    f"; import {run['seconds']:5.1f} s = {size / run['seconds']:,.0f} items/s, "
                    f"peak +{run['max_rss_mb'] - idle['max_rss_mb']:.0f} MB"
                )
            print(line, flush=True)
            for path in paths:
                path.unlink()

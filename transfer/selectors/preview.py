"""What an upload holds: one streamed pass that counts and collects the names the mapping needs."""

from collections import Counter

from ..formats.records import SourceError
from .sources import source_items, table_rows

NAMES_MAX = 500  # distinct statuses, types, people or sprints listed for mapping
SAMPLE = 5


def detect(batch) -> dict:
    if batch.format in ("csv", "xlsx"):
        rows = table_rows(batch)
        header = next(rows, (0, []))[1]
        if not header:
            raise SourceError("The table has no header row: its first row must name the columns.")
        sample, count = [], 0
        for _, cells in rows:
            if not any(str(c).strip() for c in cells):
                continue
            count += 1
            if len(sample) < SAMPLE:
                sample.append(cells[: len(header)])
        return {"format": batch.format, "count": count, "header": header, "sample": sample}
    return detect_items(batch)


def detect_items(batch) -> dict:
    """Counts and the source's names of statuses, types, people and sprints (tables: through the column mapping)."""
    found = {"format": batch.format}
    statuses: dict[str, dict] = {}
    types, people, sprints = Counter(), Counter(), Counter()
    count = with_parent = with_comments = with_criteria = 0
    titles = []
    for item in source_items(batch):
        count += 1
        entry = statuses.setdefault(item.status, {"name": item.status, "category": item.status_category, "count": 0})
        entry["count"] += 1
        types[item.type] += 1
        if item.assignee:
            people[item.assignee] += 1
        for sprint in item.sprints:
            sprints[sprint.name] += 1
        with_parent += bool(item.parent)
        with_comments += bool(item.comments)
        with_criteria += bool(item.criteria)
        if len(titles) < SAMPLE:
            titles.append({"key": item.key, "title": item.title})
    found.update(
        count=count,
        statuses=sorted(statuses.values(), key=lambda s: -s["count"])[:NAMES_MAX],
        types=[name for name, _ in types.most_common(NAMES_MAX)],
        kinds=dict(types.most_common(NAMES_MAX)),
        people=[name for name, _ in people.most_common(NAMES_MAX)],
        sprints=[name for name, _ in sprints.most_common(NAMES_MAX)],
        with_parent=with_parent,
        with_comments=with_comments,
        with_criteria=with_criteria,
        titles=titles,
    )
    return found

"""Pages of Jira's REST issue search (`/rest/api/2/search`, `/rest/api/3/search` or `/search/jql`).

v2 pages carry descriptions and comment bodies as wiki-markup strings, v3 pages as Atlassian
Document Format; both are turned into Markdown. Custom fields (story points, sprint, rank, epic
link) are found by name in a field list (the answer of `/rest/api/3/field`, uploaded beside the
pages), in the page's own `names` (with `expand=names`), or else at Jira Cloud's default ids.
A sprint is an object in Cloud and a "com.atlassian.greenhopper…Sprint@…[name=…,state=…]" string
on older servers.
"""

import re
from collections.abc import Iterable, Iterator

from . import streaming
from .markup import adf_to_markdown
from .records import Comment, SourceError, SourceItem, SprintRef, decimal_or_none, parse_date
from .streaming import JsonFile

DEFAULT_FIELDS = {
    "story_points": ["customfield_10016", "customfield_10026", "customfield_10002"],
    "sprint": ["customfield_10020", "customfield_10007"],
    "rank": ["customfield_10019", "customfield_10011"],
    "epic_link": ["customfield_10014", "customfield_10008"],
}
FIELD_NAMES = {
    "story_points": ("story points", "story point estimate"),
    "sprint": ("sprint",),
    "rank": ("rank",),
    "epic_link": ("epic link",),
}
_GREENHOPPER = re.compile(r"(\w+)=([^,\]]*)")


NOT_JIRA = "A JSON file is neither a page of Jira's issue search (with an “issues” list) nor a field list."


def _scan(file: JsonFile) -> tuple[str, object]:
    """("fields", [{id, name}…]) for a field list, ("page", names) for a search page: one streamed pass
    (the page's `names` may come after its issues), the issues left in the file."""
    shape: dict = {}
    names = [value for _, value in streaming.elements(file.open, ["names"], shape)]
    if shape["top"] == "map" and "issues" in shape["arrays"]:
        return "page", names[0] if names and isinstance(names[0], dict) else {}
    if shape["top"] != "array":
        raise SourceError(NOT_JIRA)
    fields = []
    for field in streaming.items(file.open, "item"):
        if not (isinstance(field, dict) and "id" in field and "name" in field):
            raise SourceError(NOT_JIRA)
        fields.append({"id": field["id"], "name": field["name"]})
    return "fields", fields


def field_ids(field_list: list | None, names: dict | None) -> dict[str, list[str]]:
    """The custom-field ids of each field PMHub reads, the named ones first, then Cloud's defaults."""
    by_name: dict[str, list[str]] = {}
    for field_id, name in [(f["id"], f["name"]) for f in field_list or []] + list((names or {}).items()):
        by_name.setdefault(str(name).strip().lower(), []).append(field_id)
    found = {}
    for wanted, labels in FIELD_NAMES.items():
        named = [fid for label in labels for fid in by_name.get(label, [])]
        found[wanted] = list(dict.fromkeys(named + DEFAULT_FIELDS[wanted]))
    return found


def _sprint(value) -> SprintRef | None:
    if isinstance(value, dict):
        return SprintRef(
            name=value.get("name", ""),
            state=str(value.get("state", "")).lower(),
            start=parse_date(value.get("startDate")),
            end=parse_date(value.get("endDate")),
        )
    if isinstance(value, str) and "[" in value:
        attrs = dict(_GREENHOPPER.findall(value.split("[", 1)[1]))
        start, end = attrs.get("startDate"), attrs.get("endDate")
        return SprintRef(
            name=attrs.get("name", ""),
            state=attrs.get("state", "").lower(),
            start=parse_date(None if start == "<null>" else start),
            end=parse_date(None if end == "<null>" else end),
        )
    if isinstance(value, str) and value:
        return SprintRef(name=value)
    return None


def _first(fields: dict, ids: list[str]):
    for field_id in ids:
        value = fields.get(field_id)
        if value not in (None, "", []):
            return value
    return None


def _person(value) -> str:
    if not isinstance(value, dict):
        return ""
    return value.get("emailAddress") or value.get("name") or value.get("displayName") or value.get("accountId") or ""


def read(files: Iterable[JsonFile]) -> Iterator[SourceItem]:
    """Items of every page, page by page, in the order the search returned them; each page is
    streamed (one issue in memory at a time). A field list among the files names the custom fields."""
    field_list: list[dict] = []
    pages: list[tuple[JsonFile, dict]] = []
    for file in files:
        try:
            kind, found = _scan(file)
        except streaming.JSONError as error:
            raise streaming.invalid(file.name, error) from None
        if kind == "fields":
            field_list += found
        else:
            pages.append((file, found))
    seen = 0
    for file, names in pages:
        ids = field_ids(field_list, names)
        base = ""
        try:
            for issue in streaming.items(file.open, "issues.item"):
                seen += 1
                if not isinstance(issue, dict) or not isinstance(issue.get("fields"), dict):
                    raise SourceError(f"Issue {seen} of the search pages has no fields.")
                if not base and isinstance(issue.get("self"), str) and "/rest/" in issue["self"]:
                    base = issue["self"].split("/rest/")[0]
                yield _item(issue, ids, base, seen)
        except streaming.JSONError as error:
            raise streaming.invalid(file.name, error) from None


def _item(issue: dict, ids: dict, base: str, number: int) -> SourceItem:
    fields = issue["fields"]
    key = str(issue.get("key") or f"id:{issue.get('id')}")
    item = SourceItem(key=key, row=f"issue {number} ({key})", title=str(fields.get("summary") or ""))
    issuetype = fields.get("issuetype") or {}
    item.type = issuetype.get("name", "")
    status = fields.get("status") or {}
    item.status = status.get("name", "")
    item.status_category = ((status.get("statusCategory") or {}).get("key") or "").lower()
    item.description = adf_to_markdown(fields.get("description"))
    parent = fields.get("parent") or {}
    item.parent = parent.get("key") or str(_first(fields, ids["epic_link"]) or "")
    raw_points = _first(fields, ids["story_points"])
    item.story_points = decimal_or_none(raw_points)
    sprints = _first(fields, ids["sprint"]) or []
    item.sprints = [
        s for s in (_sprint(v) for v in (sprints if isinstance(sprints, list) else [sprints])) if s and s.name
    ]
    item.labels = [str(label) for label in fields.get("labels") or []]
    item.order = _first(fields, ids["rank"])
    item.assignee = _person(fields.get("assignee"))
    item.due = parse_date(fields.get("duedate"))
    for comment in (fields.get("comment") or {}).get("comments") or []:
        item.comments.append(
            Comment(
                author=(comment.get("author") or {}).get("displayName", ""),
                created=str(comment.get("created", ""))[:16].replace("T", " "),
                body=adf_to_markdown(comment.get("body")),
            )
        )
    components = [c.get("name", "") for c in fields.get("components") or [] if isinstance(c, dict)]
    if components:
        item.notes.append("Components: " + ", ".join(components))
    if base and issue.get("key"):
        item.links.append((f"{base}/browse/{issue['key']}", issue["key"]))
    item.extra["subtask"] = bool(issuetype.get("subtask"))
    return item

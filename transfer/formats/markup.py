"""Descriptions into Markdown: Jira wiki markup (CSV and REST v2) and Atlassian Document Format (REST v3)."""

import re

_WIKI_RULES = [
    (
        re.compile(r"\{code(?::([a-z0-9]+))?[^}]*\}(.*?)\{code\}", re.S),
        lambda m: f"```{m.group(1) or ''}\n{m.group(2).strip()}\n```",
    ),
    (re.compile(r"\{noformat\}(.*?)\{noformat\}", re.S), lambda m: f"```\n{m.group(1).strip()}\n```"),
    (re.compile(r"\[([^|\]\n]+)\|([^\]\n]+)\]"), lambda m: f"[{m.group(1)}]({m.group(2)})"),
    (re.compile(r"\{\{([^}\n]+)\}\}"), lambda m: f"`{m.group(1)}`"),
    (re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])"), lambda m: f"**{m.group(1)}**"),
    (re.compile(r"^(\*+)\s+", re.M), lambda m: "  " * (len(m.group(1)) - 1) + "- "),
    (re.compile(r"^(#+)\s+", re.M), lambda m: "  " * (len(m.group(1)) - 1) + "1. "),
    (re.compile(r"^bq\.\s+", re.M), lambda m: "> "),
    (re.compile(r"^h([1-6])\.\s+", re.M), lambda m: "#" * int(m.group(1)) + " "),
]


def wiki_to_markdown(text: str) -> str:
    """Jira's wiki markup (headings, lists, bold, code, links) as Markdown; plain text passes unchanged."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    for pattern, repl in _WIKI_RULES:
        text = pattern.sub(repl, text)
    return text.strip()


def _marks(text: str, marks: list) -> str:
    for mark in marks or []:
        kind = mark.get("type")
        if kind == "strong":
            text = f"**{text}**"
        elif kind == "em":
            text = f"*{text}*"
        elif kind == "code":
            text = f"`{text}`"
        elif kind == "strike":
            text = f"~~{text}~~"
        elif kind == "link":
            text = f"[{text}]({(mark.get('attrs') or {}).get('href', '')})"
    return text


def _inline(nodes: list) -> str:
    out = []
    for node in nodes or []:
        kind = node.get("type")
        attrs = node.get("attrs") or {}
        if kind == "text":
            out.append(_marks(node.get("text", ""), node.get("marks")))
        elif kind == "hardBreak":
            out.append("  \n")
        elif kind == "mention":
            out.append(attrs.get("text") or "@someone")
        elif kind == "emoji":
            out.append(attrs.get("text") or attrs.get("shortName", ""))
        elif kind == "inlineCard":
            out.append(attrs.get("url", ""))
        else:
            out.append(_inline(node.get("content")))
    return "".join(out)


def _block(node: dict, depth: int = 0) -> list[str]:
    kind = node.get("type")
    content = node.get("content") or []
    attrs = node.get("attrs") or {}
    if kind == "paragraph":
        return [_inline(content)]
    if kind == "heading":
        return ["#" * int(attrs.get("level", 1)) + " " + _inline(content)]
    if kind in ("bulletList", "orderedList"):
        lines = []
        for number, item in enumerate(content, 1):
            bullet = f"{number}." if kind == "orderedList" else "-"
            inner = [line for child in item.get("content") or [] for line in _block(child, depth + 1)]
            first, *rest = inner or [""]
            lines.append("  " * depth + f"{bullet} {first}")
            lines += [line if line.startswith("  ") else "  " * (depth + 1) + line for line in rest]
        return ["\n".join(lines)]
    if kind == "codeBlock":
        return [f"```{attrs.get('language', '')}\n{_inline(content)}\n```"]
    if kind == "blockquote":
        return ["\n".join("> " + line for child in content for line in _block(child, depth))]
    if kind == "rule":
        return ["---"]
    if kind == "table":
        rows = [
            [" ".join(_inline([p]) for p in cell.get("content") or []) for cell in row.get("content") or []]
            for row in content
        ]
        if not rows:
            return []
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return ["\n".join(lines)]
    if kind in ("panel", "expand", "nestedExpand", "layoutSection", "layoutColumn"):
        return [line for child in content for line in _block(child, depth)]
    if kind in ("mediaSingle", "mediaGroup", "media"):
        return ["[attachment]"]
    return [_inline(content)] if content else []


def adf_to_markdown(document) -> str:
    """An Atlassian Document Format document (REST v3) as Markdown; a plain string passes through wiki_to_markdown."""
    if document is None:
        return ""
    if isinstance(document, str):
        return wiki_to_markdown(document)
    blocks = [block for node in document.get("content") or [] for block in _block(node)]
    return "\n\n".join(b for b in blocks if b.strip()).strip()

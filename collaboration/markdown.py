"""Comment Markdown to safe HTML: markdown-it-py (CommonMark, raw HTML off) then nh3's allow-list.

Two locks: the parser escapes any HTML the author typed (html=False), and the sanitiser keeps only the
tags and attributes listed here, drops javascript:/data: links and adds rel="nofollow noopener" to
every link. @mentions of known users become links to nothing but text (a <span class="mention">).
"""

import re

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION = re.compile(r"(?<![\w@/.])@([\w.+-]{1,150})")

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
# Headings of a comment sit under the page's own: # → h3.
_parser.add_render_rule(
    "heading_open", lambda self, tokens, idx, options, env: f"<h{min(int(tokens[idx].tag[1]) + 2, 6)}>"
)
_parser.add_render_rule(
    "heading_close", lambda self, tokens, idx, options, env: f"</h{min(int(tokens[idx].tag[1]) + 2, 6)}>"
)


def mentioned_names(text: str) -> set[str]:
    """The usernames written as @name in `text` (outside nothing: code spans count too, harmlessly)."""
    return {m.group(1).rstrip(".") for m in MENTION.finditer(text)}


def _mark_mentions(html: str, usernames: set[str]) -> str:
    lowered = {u.casefold() for u in usernames}

    def replace(match):
        name = match.group(1).rstrip(".")
        if name.casefold() not in lowered:
            return match.group(0)
        rest = match.group(1)[len(name) :]
        return f'<span class="mention">@{escape(name)}</span>{rest}'

    # Only in text between tags, never inside an attribute or a code block.
    parts = re.split(r"(<pre>.*?</pre>|<code>.*?</code>|<[^>]+>)", html, flags=re.S)
    return "".join(part if part.startswith("<") else MENTION.sub(replace, part) for part in parts)


def render_markdown(text: str, *, mentioned: set[str] = frozenset()) -> str:
    html = _parser.render(text)
    if mentioned:
        html = _mark_mentions(html, mentioned)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )

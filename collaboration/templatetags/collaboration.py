"""Template tags: the Undo button of a "moved to the trash" message, and the panels an object page includes."""

import re

from django import template

register = template.Library()

UNDO_TAG = re.compile(r"\btrash-(\d+)\b")


@register.inclusion_tag("collaboration/_undo.html", takes_context=True)
def undo_button(context, message):
    match = UNDO_TAG.search(getattr(message, "extra_tags", "") or "")
    request = context.get("request")
    return {
        "entry_id": int(match.group(1)) if match else None,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }

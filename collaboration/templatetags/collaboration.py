"""Template tags: the Undo button of a "moved to the trash" message, and the panels an object page includes."""

import re

from django import template

from ..history import TRACKED
from ..models import TRASH_DAYS
from ..registry import kind_of_model

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


@register.inclusion_tag("collaboration/_panels.html")
def collaboration_panels(obj):
    """The comments and history panels of an object's page, for the kinds that have them."""
    kind = kind_of_model(type(obj)) if obj is not None else None
    if kind is None:
        return {"label": None}
    return {"label": kind.label, "pk": obj.pk, "commentable": kind.commentable, "tracked": kind.label in TRACKED}


@register.simple_tag
def deletion_note(obj) -> str:
    """What deleting `obj` means: kept in the trash (restorable) or gone for good."""
    kind = kind_of_model(type(obj)) if obj is not None else None
    if kind is not None and kind.trashable:
        return f"It stays in the trash for {TRASH_DAYS} days, with what belongs to it, and can be restored from there."
    return "This cannot be undone."

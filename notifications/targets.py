"""What the domain events say about the objects one can watch: which object, where its page is, who acted."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .models import TargetType

# event name -> (target type, the payload key that holds the product (or None: workspace-level object))
EVENT_TARGETS: dict[str, TargetType] = {
    "item.created": TargetType.ITEM,
    "item.updated": TargetType.ITEM,
    "item.moved": TargetType.ITEM,
    "item.deleted": TargetType.ITEM,
    "initiative.created": TargetType.INITIATIVE,
    "initiative.updated": TargetType.INITIATIVE,
    "initiative.moved": TargetType.INITIATIVE,
    "initiative.deleted": TargetType.INITIATIVE,
    "objective.created": TargetType.OBJECTIVE,
    "objective.updated": TargetType.OBJECTIVE,
    "objective.deleted": TargetType.OBJECTIVE,
    "key_result.checked_in": TargetType.KEY_RESULT,
}

# collaboration names a comment's object "<app_label>.<model>"; the watchable ones map to a TargetType,
# the others (business cases, ideas…) still tell the people mentioned, as TargetType.OTHER.
COMMENT_TARGETS = {
    "backlog.backlogitem": TargetType.ITEM,
    "roadmap.initiative": TargetType.INITIATIVE,
    "okrs.objective": TargetType.OBJECTIVE,
    "okrs.keyresult": TargetType.KEY_RESULT,
}


@dataclass(frozen=True)
class Target:
    type: str
    id: int
    workspace_id: int
    product_id: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.type, self.id)


def target_url(*, target_type: str, target_id: int, workspace_id: int, product_id: int | None) -> str:
    """The page of the object ('' when it cannot be linked, e.g. an item whose product is unknown)."""
    try:
        if target_type == TargetType.ITEM and product_id:
            return reverse("backlog:item_detail", kwargs={"product_id": product_id, "pk": target_id})
        if target_type == TargetType.INITIATIVE and product_id:
            return reverse("roadmap:initiative_detail", kwargs={"product_id": product_id, "pk": target_id})
        if target_type == TargetType.OBJECTIVE:
            return reverse("okrs:objective_detail", kwargs={"workspace_id": workspace_id, "pk": target_id})
        if target_type == TargetType.KEY_RESULT:
            return reverse("okrs:key_result_detail", kwargs={"workspace_id": workspace_id, "pk": target_id})
    except NoReverseMatch:
        return ""
    return ""


VERBS = {
    "created": "created",
    "updated": "changed",
    "moved": "moved",
    "deleted": "deleted",
    "checked_in": "checked in",
}


def event_verb(event: str) -> str:
    return VERBS.get(event.rsplit(".", 1)[-1], "changed")

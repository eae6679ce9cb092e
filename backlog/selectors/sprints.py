"""Reads for sprint planning: sprints with their points, capacity, velocity of the last sprints, the
burndown chart, and hints on whether a story fits a sprint."""

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from ..models import BacklogItem, ItemStatus, Sprint, SprintStatus


def sprint_list(*, product) -> QuerySet[Sprint]:
    return Sprint.objects.filter(product=product).annotate(
        planned_points=Coalesce(Sum("items__story_points"), 0),
        accepted_points=Coalesce(Sum("items__story_points", filter=Q(items__status=ItemStatus.ACCEPTED)), 0),
        item_count=Count("items"),
    )


def sprint_capacity(*, sprint: Sprint) -> dict:
    """Points planned against capacity, with a percentage for the capacity bar."""
    planned = sum(p or 0 for p in BacklogItem.objects.filter(sprint=sprint).values_list("story_points", flat=True))
    percent = round(100 * planned / sprint.capacity_points) if sprint.capacity_points else None
    return {
        "planned": planned,
        "capacity": sprint.capacity_points,
        "percent": percent,
        "bar_percent": min(percent, 100) if percent is not None else 0,
        "over": percent is not None and percent > 100,
        "over_by": max(planned - sprint.capacity_points, 0),
    }


def sprint_velocity(*, product, before: Sprint | None = None, count: int = 3) -> dict:
    """Accepted points of the last `count` closed sprints (before `before`, if given), and their mean."""
    closed = sprint_list(product=product).filter(status=SprintStatus.CLOSED)
    if before is not None:
        closed = closed.exclude(pk=before.pk).filter(end_date__lte=before.start_date)
    sprints = list(closed.order_by("-end_date", "-id")[:count])
    mean = round(sum(s.accepted_points for s in sprints) / len(sprints)) if sprints else None
    return {"sprints": list(reversed(sprints)), "mean": mean}


LARGE_STORY_POINTS = 13


def story_quality_hints(*, item: BacklogItem, criteria_count: int, sprint_capacity: int | None) -> list[str]:
    """Hints in the spirit of INVEST for a story; an empty list when nothing stands out."""
    hints = []
    if not item.as_a or not item.i_want:
        hints.append("Say who wants it and what: fill in “As a” and “I want”.")
    if not item.so_that:
        hints.append("No “so that”: say what value the story brings, or it cannot be weighed (Valuable).")
    if not criteria_count:
        hints.append("No acceptance criteria: add at least one Given/When/Then so it can be tested (Testable).")
    if item.story_points is None:
        hints.append("Not estimated: give it story points (Estimable).")
    elif sprint_capacity and item.story_points > sprint_capacity:
        hints.append(
            f"{item.story_points} points do not fit a sprint of {sprint_capacity}: "
            "split it into smaller stories (Small)."
        )
    elif not sprint_capacity and item.story_points > LARGE_STORY_POINTS:
        hints.append(f"{item.story_points} points is large for one sprint: consider splitting it (Small).")
    return hints

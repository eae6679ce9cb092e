"""Reads for sprint planning: sprints with their points, capacity, velocity of the last sprints, the
burndown chart, and hints on whether a story fits a sprint."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.bounds import DATE_MAX, DATE_MIN

from ..models import DONE_STATUSES, SPRINT_DAYS_MAX, BacklogItem, ItemStatus, Sprint, SprintStatus


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


@dataclass
class Burndown:
    total: int
    days: list[date]
    ideal: str  # SVG polyline points
    actual: str
    width: int
    height: int
    pad: int
    y_ticks: list[tuple[int, float]]
    x_ticks: list[tuple[str, float]]
    remaining: int | None
    last: list[str] | None  # x, y of today's point


def sprint_burndown(*, sprint: Sprint, today: date | None = None, width: int = 640, height: int = 240) -> Burndown:
    """Remaining points per day of the sprint (from when items became done) against the ideal line.

    Drawn server-side as an SVG: no chart library needed, and it prints. At most SPRINT_DAYS_MAX days
    are drawn, from a start inside the window of dates, whatever a sprint stored before both were checked.
    """
    today = today or timezone.localdate()
    rows = list(
        BacklogItem.objects.filter(sprint=sprint).values_list("story_points", "status", "done_at", "updated_at")
    )
    total = sum(row[0] or 0 for row in rows)
    # Items made done by a path that does not record `done_at` count from their last change.
    done_on = [
        (timezone.localdate(done_at or updated_at), p or 0)
        for p, status, done_at, updated_at in rows
        if status in DONE_STATUSES
    ]
    first = max(DATE_MIN, min(sprint.start_date, DATE_MAX))
    span = min(max((sprint.end_date - first).days, 1), SPRINT_DAYS_MAX)
    days = [first + timedelta(days=i) for i in range(span + 1)]
    pad = 36
    top = max(total, 1)

    def xy(index: int, value: float) -> str:
        x = pad + index * (width - 2 * pad) / span
        y = pad / 2 + (1 - value / top) * (height - pad * 1.5)
        return f"{x:.1f},{y:.1f}"

    ideal = " ".join(xy(i, total * (1 - i / span)) for i in range(span + 1))
    actual_points, remaining = [], None
    for i, day in enumerate(days):
        if day > today:
            break
        remaining = total - sum(p for d, p in done_on if d <= day)
        actual_points.append(xy(i, remaining))
    y_ticks = [(v, float(xy(0, v).split(",")[1])) for v in sorted({0, top // 2, top})]
    step = max(1, span // 6)
    x_ticks = [(days[i].strftime("%-d %b"), float(xy(i, 0).split(",")[0])) for i in range(0, span + 1, step)]
    last = actual_points[-1].split(",") if actual_points else None
    return Burndown(total, days, ideal, " ".join(actual_points), width, height, pad, y_ticks, x_ticks, remaining, last)


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

"""Reads of a sprint's history: burndown and burnup from its ledger, scope creep, commitment vs completion,
dates that contradict the status, and the sprint review.

A started sprint's chart is the running sum of its ledger (SprintScopeChange), never its current
items: rejected and carried-over work stays visible as work not done, a re-estimate moves the scope
line, and a closed sprint's ledger no longer changes, so its chart stays as it was.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.bounds import DATE_MAX, DATE_MIN

from ..models import (
    DONE_STATUSES,
    SPRINT_DAYS_MAX,
    BacklogItem,
    ItemStatus,
    ScopeChangeKind,
    Sprint,
    SprintScopeChange,
    SprintStatus,
)


@dataclass
class DayFigures:
    day: date
    scope: int
    done: int

    @property
    def remaining(self) -> int:
        return self.scope - self.done


@dataclass
class Burndown:
    total: int  # the scope at the start (the baseline), or the planned points of a sprint not started
    days: list[date]
    ideal: str  # SVG polyline points
    actual: str  # remaining points, per day up to today (or the completion)
    scope_line: str  # burnup: the scope per day
    done_line: str  # burnup: the finished points per day
    width: int
    height: int
    pad: int
    y_ticks: list[tuple[int, float]]
    x_ticks: list[tuple[str, float]]
    remaining: int | None
    last: list[str] | None  # x, y of the last point of the actual line
    series: list[DayFigures] = field(default_factory=list)
    from_history: bool = False
    added: int = 0
    removed: int = 0
    reestimated: int = 0

    @property
    def scope_creep(self) -> int:
        """Points added, removed and re-estimated since the start, net."""
        return self.added - self.removed + self.reestimated


def ledger_by_day(*, sprint: Sprint) -> tuple[dict, dict[date, tuple[int, int]]]:
    """The baseline (points) and what changed since, and the net change of scope and finished points per day
    after the baseline: one aggregate query, whatever the number of ledger entries."""
    base = Q(kind=ScopeChangeKind.BASELINE)
    rows = (
        SprintScopeChange.objects.filter(sprint=sprint)
        .annotate(day=TruncDate("at"))
        .values("day")
        .annotate(
            scope=Sum("scope_points"),
            done=Sum("done_points"),
            base_scope=Sum("scope_points", filter=base, default=0),
            base_done=Sum("done_points", filter=base, default=0),
            added=Sum("scope_points", filter=Q(kind=ScopeChangeKind.ADDED), default=0),
            removed=Sum("scope_points", filter=Q(kind=ScopeChangeKind.REMOVED), default=0),
            reestimated=Sum("scope_points", filter=Q(kind=ScopeChangeKind.REESTIMATED), default=0),
        )
        .order_by("day")
    )
    baseline = {"scope": 0, "done": 0, "added": 0, "removed": 0, "reestimated": 0}
    by_day = {}
    for row in rows:
        baseline["scope"] += row["base_scope"]
        baseline["done"] += row["base_done"]
        for name in ("added", "removed", "reestimated"):
            baseline[name] += row[name]
        change = (row["scope"] - row["base_scope"], row["done"] - row["base_done"])
        if change != (0, 0):
            by_day[row["day"]] = change
    return baseline, by_day


def _current_items_figures(sprint: Sprint) -> tuple[int, list[tuple[date, int]]]:
    """For a sprint without a ledger (planned, or started before sprints kept one): its items as they are."""
    rows = list(
        BacklogItem.objects.filter(sprint=sprint).values_list("story_points", "status", "done_at", "updated_at")
    )
    total = sum(row[0] or 0 for row in rows)
    done_on = [
        (timezone.localdate(done_at or updated_at), p or 0)
        for p, status, done_at, updated_at in rows
        if status in DONE_STATUSES
    ]
    return total, done_on


def sprint_burndown(*, sprint: Sprint, today: date | None = None, width: int = 640, height: int = 240) -> Burndown:
    """Remaining points per day against the ideal line, and the burnup (scope and finished) lines.

    Drawn server-side as an SVG. At most SPRINT_DAYS_MAX days are drawn, from a start inside the
    window of dates, whatever a sprint stored before both were checked.
    """
    today = today or timezone.localdate()
    first = max(DATE_MIN, min(sprint.start_date, DATE_MAX))
    last_day = sprint.end_date
    if sprint.completed_at is not None:
        completed_on = timezone.localdate(sprint.completed_at)
        last_day = max(last_day, completed_on)
        today = min(today, completed_on)
    span = min(max((last_day - first).days, 1), SPRINT_DAYS_MAX)
    days = [first + timedelta(days=i) for i in range(span + 1)]
    from_history = sprint.started_at is not None
    series: list[DayFigures] = []
    figures = {"added": 0, "removed": 0, "reestimated": 0}
    if from_history:
        baseline, by_day = ledger_by_day(sprint=sprint)
        total = baseline["scope"]
        figures = {"added": baseline["added"], "removed": -baseline["removed"], "reestimated": baseline["reestimated"]}
        scope, done = baseline["scope"], baseline["done"]
        # Changes before the first drawn day (a sprint started early) count from that day.
        for day in sorted(d for d in by_day if d < first):
            scope, done = scope + by_day[day][0], done + by_day[day][1]
        for day in days:
            if day > today:
                break
            change = by_day.get(day, (0, 0))
            scope, done = scope + change[0], done + change[1]
            series.append(DayFigures(day, scope, done))
    else:
        total, done_on = _current_items_figures(sprint)
        if sprint.status != SprintStatus.PLANNED:
            for day in days:
                if day > today:
                    break
                series.append(DayFigures(day, total, sum(p for d, p in done_on if d <= day)))
    pad = 36
    top = max([total, 1, *(d.scope for d in series)])

    def xy(index: int, value: float) -> str:
        x = pad + index * (width - 2 * pad) / span
        y = pad / 2 + (1 - value / top) * (height - pad * 1.5)
        return f"{x:.1f},{y:.1f}"

    ideal = " ".join(xy(i, total * (1 - i / span)) for i in range(span + 1))
    actual_points = [xy(i, d.remaining) for i, d in enumerate(series)]
    scope_line = " ".join(xy(i, d.scope) for i, d in enumerate(series))
    done_line = " ".join(xy(i, d.done) for i, d in enumerate(series))
    y_ticks = [(v, float(xy(0, v).split(",")[1])) for v in sorted({0, top // 2, top})]
    step = max(1, span // 6)
    x_ticks = [(days[i].strftime("%-d %b"), float(xy(i, 0).split(",")[0])) for i in range(0, span + 1, step)]
    last = actual_points[-1].split(",") if actual_points else None
    remaining = series[-1].remaining if series else None
    return Burndown(
        total,
        days,
        ideal,
        " ".join(actual_points),
        scope_line,
        done_line,
        width,
        height,
        pad,
        y_ticks,
        x_ticks,
        remaining,
        last,
        series=series,
        from_history=from_history,
        **figures,
    )


def sprint_date_warnings(*, sprint: Sprint, today: date | None = None) -> list[str]:
    """What about a sprint's dates contradicts its status, in words a product owner can act on."""
    today = today or timezone.localdate()
    if sprint.status == SprintStatus.ACTIVE and sprint.end_date < today:
        days = (today - sprint.end_date).days
        return [f"Ended {days} day{'s' if days != 1 else ''} ago but still active: complete it."]
    if sprint.status == SprintStatus.PLANNED and sprint.start_date <= today:
        if sprint.end_date < today:
            return ["Its dates are over but it never started: start and complete it, or move its dates."]
        return ["Its dates have begun but it has not started yet."]
    if sprint.status == SprintStatus.CLOSED and sprint.completed_at is None and sprint.end_date > today:
        return ["Closed before its end date."]
    return []


def sprint_commitments(*, product, count: int = 6) -> list[dict]:
    """Commitment (the baseline) vs completion of the last `count` closed sprints, oldest first.

    Sprints closed before sprints kept a ledger show their accepted points as completed and no commitment.
    """
    sprints = list(
        Sprint.objects.filter(product=product, status=SprintStatus.CLOSED)
        .annotate(
            accepted=Sum("items__story_points", filter=Q(items__status=ItemStatus.ACCEPTED), default=0),
        )
        .order_by("-end_date", "-id")[:count]
    )
    rows = []
    for sprint in reversed(sprints):
        completed = sprint.completed_points if sprint.completed_points is not None else sprint.accepted
        committed = sprint.committed_points
        rows.append(
            {
                "sprint": sprint,
                "committed": committed,
                "completed": completed,
                "carried_over": sprint.carried_over_points,
                "ratio": round(100 * completed / committed) if committed else None,
            }
        )
    return rows


@dataclass
class SprintReview:
    accepted: list
    done_not_accepted: list
    rejected: list  # (item, reason)
    carried_over: list
    committed: int | None
    completed: int
    summary: str


def sprint_review(*, sprint: Sprint) -> SprintReview:
    """Accepted and rejected work (with the reasons), carried-over items, and a summary to share."""
    items = list(BacklogItem.objects.filter(sprint=sprint).select_related("product").order_by("rank"))
    accepted = [i for i in items if i.status == ItemStatus.ACCEPTED]
    done = [i for i in items if i.status == ItemStatus.DONE]
    left = (
        SprintScopeChange.objects.filter(
            sprint=sprint, kind__in=[ScopeChangeKind.REJECTED, ScopeChangeKind.CARRIED_OVER], item__isnull=False
        )
        .values("item_id", "kind")
        .annotate(n=Count("id"))
    )
    ids = {row["item_id"] for row in left}
    others = {i.pk: i for i in BacklogItem.objects.filter(pk__in=ids).select_related("product", "sprint")}
    rejected = [others[r["item_id"]] for r in left if r["kind"] == ScopeChangeKind.REJECTED and r["item_id"] in others]
    carried = [
        others[r["item_id"]] for r in left if r["kind"] == ScopeChangeKind.CARRIED_OVER and r["item_id"] in others
    ]
    if sprint.started_at is None:  # no ledger: what is still in the sprint
        rejected = [i for i in items if i.status == ItemStatus.REJECTED]
        carried = [i for i in items if i.status not in DONE_STATUSES and i.status != ItemStatus.REJECTED]
    completed = sum(i.story_points or 0 for i in accepted + done)
    lines = [f"{sprint.name} ({sprint.start_date:%-d %b} – {sprint.end_date:%-d %b %Y})"]
    if sprint.goal:
        lines.append(f"Goal: {sprint.goal}")
    if sprint.committed_points is not None:
        lines.append(f"Committed {sprint.committed_points} points, completed {completed}.")
    else:
        lines.append(f"Completed {completed} points.")
    lines.append(f"Accepted ({len(accepted)}): " + (", ".join(f"{i.key} {i.title}" for i in accepted) or "none"))
    if done:
        lines.append(f"Done, awaiting review ({len(done)}): " + ", ".join(f"{i.key} {i.title}" for i in done))
    lines.append(
        f"Rejected ({len(rejected)}): "
        + ("; ".join(f"{i.key} {i.title} — {i.rejection_reason or 'no reason'}" for i in rejected) or "none")
    )
    lines.append(f"Carried over ({len(carried)}): " + (", ".join(f"{i.key} {i.title}" for i in carried) or "none"))
    return SprintReview(accepted, done, rejected, carried, sprint.committed_points, completed, "\n".join(lines))

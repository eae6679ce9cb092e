"""Reads for the roadmap board (now / next / later) and the timeline, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils import timezone

from .models import Horizon, Initiative, Release, RoadmapShareLink, Theme
from .planning import share_token_hash
from .selectors import initiative_list

DEFAULT_SPAN_DAYS = 270
UNSCHEDULED_BAR_DAYS = 30


def _progress(initiative_ids: list[int]) -> dict[int, dict]:
    # Initiative progress is a backlog figure; read it through the backlog's selectors.
    from backlog.selectors.items import item_progress_for_initiatives

    return item_progress_for_initiatives(initiative_ids=initiative_ids)


def roadmap_initiatives(*, product) -> list[Initiative]:
    """Initiatives with theme, release, outcome flag, dependencies and progress (four queries)."""
    depends = Prefetch("depends_on", queryset=Initiative.objects.only("id", "title", "start_date", "end_date"))
    # Unranked initiatives (rank 0, made by a path that does not rank them) go to the bottom.
    unranked_last = Case(When(rank__lte=0, then=Value(1)), default=Value(0), output_field=IntegerField())
    initiatives = list(initiative_list(product=product).prefetch_related(depends).order_by(unranked_last, "rank", "id"))
    progress = _progress([i.pk for i in initiatives])
    for initiative in initiatives:
        initiative.progress = progress.get(initiative.pk)
        initiative.late_dependencies = [
            d
            for d in initiative.depends_on.all()
            if d.end_date and initiative.start_date and initiative.start_date <= d.end_date
        ]
    return initiatives


def roadmap_board(*, product, initiatives: list[Initiative] | None = None) -> list[dict]:
    initiatives = roadmap_initiatives(product=product) if initiatives is None else initiatives
    return [
        {"horizon": value, "label": label, "initiatives": [i for i in initiatives if i.horizon == value]}
        for value, label in Horizon.choices
    ]


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass
class Lane:
    theme: Theme | None
    bars: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        return str(self.theme.pk) if self.theme else ""


@dataclass
class Timeline:
    start: date
    end: date
    days: int
    months: list[dict]
    quarters: list[dict]
    lanes: list[Lane]
    releases: list[dict]
    today: float | None
    unscheduled: list[Initiative]
    warnings: list[tuple[Initiative, Initiative]]


def roadmap_timeline(*, product, initiatives: list[Initiative] | None = None, today: date | None = None) -> Timeline:
    """Quarters and months across, one lane per theme, bars from start to end (percent positions)."""
    today = today or timezone.localdate()
    initiatives = roadmap_initiatives(product=product) if initiatives is None else initiatives
    scheduled = [i for i in initiatives if i.start_date]
    unscheduled = [i for i in initiatives if not i.start_date]
    releases = list(Release.objects.filter(product=product, target_date__isnull=False).order_by("target_date"))
    first = min([today, *(i.start_date for i in scheduled)])
    last = max(
        [today + timedelta(days=DEFAULT_SPAN_DAYS)]
        + [i.end_date or i.start_date for i in scheduled]
        + [r.target_date for r in releases]
    )
    start = _quarter_start(first)
    end = _quarter_start(last)
    for _ in range(3):
        end = _month_after(end)
    days = (end - start).days

    def pct(day: date) -> float:
        return round(100 * (day - start).days / days, 3)

    months, cursor = [], start
    while cursor < end:
        following = _month_after(cursor)
        months.append({"label": cursor.strftime("%b"), "left": pct(cursor), "width": pct(following) - pct(cursor)})
        cursor = following
    quarters = [
        {
            "label": f"Q{((start.month - 1 + m) % 12) // 3 + 1} {start.year + (start.month - 1 + m) // 12}",
            "left": months[m]["left"],
            "width": sum(x["width"] for x in months[m : m + 3]),
        }
        for m in range(0, len(months), 3)
    ]
    themes = list(Theme.objects.filter(product=product).order_by("order", "name"))
    lanes = {t.pk: Lane(t) for t in themes}
    no_theme = Lane(None)
    for initiative in scheduled:
        finish = initiative.end_date or initiative.start_date + timedelta(days=UNSCHEDULED_BAR_DAYS)
        bar = {
            "initiative": initiative,
            "left": pct(initiative.start_date),
            "width": max(pct(finish + timedelta(days=1)) - pct(initiative.start_date), 0.8),
            "open_end": initiative.end_date is None,
        }
        lanes.get(initiative.theme_id, no_theme).bars.append(bar)
    lane_list = list(lanes.values())
    if no_theme.bars or not lane_list:
        lane_list.append(no_theme)
    warnings = [(i, d) for i in initiatives for d in i.late_dependencies]
    return Timeline(
        start=start,
        end=end,
        days=days,
        months=months,
        quarters=quarters,
        lanes=lane_list,
        releases=[{"release": r, "left": pct(r.target_date)} for r in releases if start <= r.target_date < end],
        today=pct(today) if start <= today < end else None,
        unscheduled=unscheduled,
        warnings=warnings,
    )


def share_link_list(*, product):
    return RoadmapShareLink.objects.filter(product=product).select_related("created_by")


def share_link_for_token(*, token: str) -> RoadmapShareLink | None:
    """The active link for a token, with its product; None for an unknown or revoked token."""
    return (
        RoadmapShareLink.objects.filter(token_hash=share_token_hash(token), revoked_at__isnull=True)
        .select_related("product", "product__workspace")
        .first()
    )

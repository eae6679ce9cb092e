"""The timeline grid (window, columns, lanes and bars of the initiatives given); the board and the pages
of bars are read by columns.py and timeline_pages.py."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from core.bounds import DATE_MAX, DATE_MIN

from ..models import Initiative, Release, Theme
from .timeline import dependency_arrows, zoom_window

DEFAULT_SPAN_DAYS = 270
UNSCHEDULED_BAR_DAYS = 30
# The timeline shows at most this many months, whatever the stored dates; when the plans span more,
# the window starts at most WINDOW_PAST_MONTHS before today and bars are cut at its edges.
WINDOW_MONTHS_MAX = 60
WINDOW_PAST_MONTHS = 24
ONE_DAY = timedelta(days=1)


def late_dependencies(initiative: Initiative) -> list[Initiative]:
    """The initiatives it depends on that end on or after the day it starts (from prefetched `depends_on`)."""
    return [
        d
        for d in initiative.depends_on.all()
        if d.end_date and initiative.start_date and initiative.start_date <= d.end_date
    ]


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _months_later(day: date, months: int) -> date:
    """The first of the month `months` after (or, negative, before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _clamp(day: date, low: date, high: date) -> date:
    return max(low, min(day, high))


def timeline_window(*, first: date, last: date, today: date) -> tuple[date, date]:
    """The timeline's [start, end): whole quarters from `first` to past `last`, at most WINDOW_MONTHS_MAX months.

    Dates outside the window of plans (DATE_MIN..DATE_MAX, stored before it was checked) count as its
    edges. When the plans span more than the maximum, the window starts at the later of `first` and
    WINDOW_PAST_MONTHS before today.
    """
    first, last = _clamp(first, DATE_MIN, DATE_MAX), _clamp(last, DATE_MIN, DATE_MAX)
    start = _quarter_start(first)
    end = _months_later(_quarter_start(last), 3)
    if _months_between(start, end) > WINDOW_MONTHS_MAX:
        start = _quarter_start(max(first, _months_later(_clamp(today, DATE_MIN, DATE_MAX), -WINDOW_PAST_MONTHS)))
        end = min(end, _months_later(start, WINDOW_MONTHS_MAX))
    return start, end


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass
class Lane:
    theme: Theme | None
    bars: list[dict] = field(default_factory=list)
    label: str = ""  # a lane that is no theme (the portfolio's products)
    lane_key: str = ""

    @property
    def key(self) -> str:
        return self.lane_key or (str(self.theme.pk) if self.theme else "")


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
    clipped: bool = False  # some bar runs past an edge of the window
    zoom: str = "quarter"
    dependencies: list[dict] = field(default_factory=list)  # arrows: {"from", "to", "conflict"}

    @property
    def last_day(self) -> date:
        return self.end - ONE_DAY


def roadmap_timeline(
    *,
    product,
    initiatives: list[Initiative],
    unscheduled: list[Initiative],
    span: tuple[date | None, date | None] = (None, None),
    today: date | None = None,
    zoom: str = "quarter",
    releases: list[Release] | None = None,
    lanes: list[Lane] | None = None,
    lane_of=None,
) -> Timeline:
    """Quarters and months across, one lane per theme, bars from start to end (percent positions).

    The columns cover at most WINDOW_MONTHS_MAX months (see timeline_window), so the page stays small
    whatever dates are stored; bars running past an edge are cut there and marked clipped. `zoom`
    "month" or "year" shows a fixed window around today instead (see timeline.zoom_window).
    `initiatives` are the bars drawn (a page of them, see timeline_pages); `span` is the first start
    and the last end of every scheduled initiative (an aggregate), so the window does not depend on
    the page. The portfolio passes its releases, lanes and `lane_of` (initiative -> lane key).
    """
    today = today or timezone.localdate()
    scheduled = [i for i in initiatives if i.start_date]
    if releases is None:
        releases = list(Release.objects.filter(product=product, target_date__isnull=False).order_by("target_date"))
    span_first, span_last = span
    first = min([today, *(d for d in (span_first, *(i.start_date for i in scheduled)) if d)])
    last = max(
        [today + timedelta(days=DEFAULT_SPAN_DAYS)]
        + [d for d in (span_last,) if d]
        + [i.end_date or i.start_date for i in scheduled]
        + [r.target_date for r in releases]
    )
    start, end = zoom_window(zoom=zoom, today=today) or timeline_window(first=first, last=last, today=today)
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
    if lanes is None:
        lanes = {t.pk: Lane(t) for t in Theme.objects.filter(product=product).order_by("order", "name")}
    else:
        lanes = {lane.key: lane for lane in lanes}
    lane_of = lane_of or (lambda initiative: initiative.theme_id)
    no_theme = Lane(None)
    clipped = False
    for initiative in scheduled:
        begin = initiative.start_date
        finish = initiative.end_date or _clamp(begin, start, end) + timedelta(days=UNSCHEDULED_BAR_DAYS)
        left = pct(_clamp(begin, start, end))
        right = pct(_clamp(finish, start - ONE_DAY, end - ONE_DAY) + ONE_DAY)
        width = max(right - left, 0.8)
        bar = {
            "initiative": initiative,
            "left": min(left, round(100 - width, 3)),
            "width": width,
            "open_end": initiative.end_date is None,
            "clipped_start": begin < start,
            "clipped_end": finish >= end,
        }
        flags = (
            ("late", initiative.late_dependencies),
            ("open-end", bar["open_end"]),
            ("clipped-start", bar["clipped_start"]),
            ("clipped-end", bar["clipped_end"]),
        )
        # Said once here rather than in the template, bar by bar (a page of bars renders in a few ms).
        bar["classes"] = "".join(f" {name}" for name, on in flags if on)
        bar["vars"] = f"left:{bar['left']}%;width:{width}%" + (
            f";theme:{initiative.theme.color}" if initiative.theme_id and initiative.theme else ""
        )
        bar["dates"] = f"{begin:%-d %b %Y} to {f'{initiative.end_date:%-d %b %Y}' if initiative.end_date else 'open'}"
        clipped = clipped or bar["clipped_start"] or bar["clipped_end"]
        lanes.get(lane_of(initiative), no_theme).bars.append(bar)
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
        clipped=clipped,
        zoom=zoom,
        dependencies=dependency_arrows(scheduled),
    )

"""Timeline helpers: the zoom windows, the dependency arrows between bars, and the workspace portfolio.

The grid itself is drawn by board.roadmap_timeline; this module says which window a zoom shows and
which arrows to draw (a conflict: the dependent starts before what it waits for ends, or ships in an
earlier release).
"""

from datetime import date

ZOOMS = ("month", "quarter", "year")


def _first_of_month(day: date, months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def zoom_window(*, zoom: str, today: date) -> tuple[date, date] | None:
    """The [start, end) of a fixed zoom around today; None for "quarter" (the window follows the plans)."""
    if zoom == "month":
        return _first_of_month(today, -1), _first_of_month(today, 3)
    if zoom == "year":
        return date(today.year, 1, 1), date(today.year + 3, 1, 1)
    return None


def dependency_conflict(*, waiter, waited_for) -> str | None:
    """Why `waiter` is scheduled before the initiative it waits for is done (dates, release order), or None."""
    if waiter.start_date and waited_for.end_date and waiter.start_date <= waited_for.end_date:
        return "starts before it ends"
    waiter_release = waiter.release.target_date if waiter.release_id and waiter.release else None
    waited_release = waited_for.release.target_date if waited_for.release_id and waited_for.release else None
    if waiter_release and waited_release and waiter_release < waited_release:
        return "ships in an earlier release"
    return None


def dependency_arrows(initiatives) -> list[dict]:
    """Arrows from each initiative to the ones waiting for it, among the drawn ones (prefetched depends_on)."""
    drawn = {i.pk: i for i in initiatives}
    arrows = []
    for waiter in initiatives:
        for waited in waiter.depends_on.all():
            if waited.pk in drawn:
                reason = dependency_conflict(waiter=waiter, waited_for=drawn[waited.pk])
                arrows.append(
                    {
                        "from": waited.pk,
                        "to": waiter.pk,
                        "from_title": waited.title,
                        "to_title": waiter.title,
                        "conflict": reason is not None,
                        "reason": reason,
                    }
                )
    return arrows

"""The executive dashboard's figures, for a workspace or one product, in a fixed number of queries.

Everything here is read: OKR figures come from the rollup (okrs), initiative progress and outcome
coverage from roadmap and backlog, each through that app's selectors. The result is a plain,
JSON-ready dict, so the page, the CSV export and the API show the very same figures.
"""

from datetime import date, datetime, time

from django.utils import timezone

from backlog.selectors.items import item_progress_for_initiatives, planned_effort_by_initiative
from core.figures import cached_figure
from okrs import selectors as okr_selectors
from okrs.models import Direction, Health
from okrs.periods import expected_progress, period_bounds, period_of
from roadmap.models import InitiativeStatus
from roadmap.selectors.initiatives import initiative_list_for_products
from workspaces.selectors import Access

ACTIVE_INITIATIVE_STATUSES = (InitiativeStatus.PROPOSED, InitiativeStatus.PLANNED, InitiativeStatus.IN_PROGRESS)
HEALTH_ORDER = {Health.OFF_TRACK: 0, Health.AT_RISK: 1, Health.ON_TRACK: 2, "": 3}
HEALTH_LABELS = {**dict(Health.choices), "": "Not measured"}


def default_period(today: date | None = None) -> str:
    return period_of(today or timezone.localdate())


def period_options(*, access: Access, selected: str) -> list[str]:
    """The periods of the workspace's objectives, plus the current quarter and the selected one."""
    periods = set(okr_selectors.periods_of_workspace(workspace=access.workspace))
    periods.update({default_period(), selected})
    return sorted(periods, reverse=True)


def _percent(value) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def _number(value) -> float | None:
    return None if value is None else float(value)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _key_result_figures(key_result) -> dict:
    return {
        "id": key_result.pk,
        "title": key_result.title,
        "unit": key_result.unit,
        "direction": key_result.direction,
        "start": _number(key_result.start_value),
        "target": _number(key_result.target_value),
        "current": _number(key_result.current_value),
        "weight": _number(key_result.weight),
        "progress": _percent(key_result.progress),
        "confidence": key_result.confidence,
        "health": key_result.health,
        "health_label": HEALTH_LABELS[key_result.health],
        "last_check_in_at": key_result.last_check_in_at.isoformat() if key_result.last_check_in_at else None,
        "last_check_in_note": key_result.last_check_in_note,
        "kpi": key_result.kpi.name if key_result.kpi_id else None,
    }


def _objective_figures(objectives) -> list[dict]:
    rows = []
    for objective in objectives:
        rows.append(
            {
                "id": objective.pk,
                "title": objective.title,
                "product": objective.product.name if objective.product_id else None,
                "supports": objective.parent.title if objective.parent_id else None,
                "owner": objective.owner.username if objective.owner_id else None,
                "progress": _percent(objective.progress),
                "expected": _percent(objective.expected_progress),
                "confidence": objective.confidence,
                "health": objective.health,
                "health_label": HEALTH_LABELS[objective.health],
                "rolled_up_at": objective.rolled_up_at.isoformat() if objective.rolled_up_at else None,
                "key_results": [_key_result_figures(kr) for kr in objective.key_results.all()],
            }
        )
    return rows


def _at_risk(objectives: list[dict]) -> list[dict]:
    """Objectives and key results at risk or off track, worst first, with the last check-in note."""
    rows = []
    for objective in objectives:
        if objective["health"] in (Health.AT_RISK, Health.OFF_TRACK):
            notes = [kr for kr in objective["key_results"] if kr["last_check_in_at"]]
            latest = max(notes, key=lambda kr: kr["last_check_in_at"]) if notes else None
            rows.append(
                {
                    "kind": "objective",
                    "id": objective["id"],
                    "title": objective["title"],
                    "objective": objective["title"],
                    "health": objective["health"],
                    "health_label": objective["health_label"],
                    "progress": objective["progress"],
                    "expected": objective["expected"],
                    "confidence": objective["confidence"],
                    "last_check_in_note": latest["last_check_in_note"] if latest else "",
                    "last_check_in_at": latest["last_check_in_at"] if latest else None,
                }
            )
        for kr in objective["key_results"]:
            if kr["health"] in (Health.AT_RISK, Health.OFF_TRACK):
                rows.append(
                    {
                        "kind": "key_result",
                        "id": kr["id"],
                        "title": kr["title"],
                        "objective": objective["title"],
                        "health": kr["health"],
                        "health_label": kr["health_label"],
                        "progress": kr["progress"],
                        "expected": objective["expected"],
                        "confidence": kr["confidence"],
                        "last_check_in_note": kr["last_check_in_note"],
                        "last_check_in_at": kr["last_check_in_at"],
                    }
                )
    rows.sort(key=lambda row: (HEALTH_ORDER[row["health"]], row["progress"] or 0))
    return rows


def _kpi_figures(*, access: Access, start: date, end: date) -> list[dict]:
    kpis = list(okr_selectors.kpis_for_dashboard(workspace=access.workspace, product=access.product))
    series = okr_selectors.kpi_series(kpi_ids=[k.pk for k in kpis], start=_aware(start), end=_aware(end))
    rows = []
    for kpi in kpis:
        points = series[kpi.pk]
        first = points[0][1] if points else None
        last = points[-1][1] if points else None
        change = None if first is None else last - first
        improving = None
        if change:
            improving = (change > 0) == (kpi.direction == Direction.INCREASE)
        rows.append(
            {
                "id": kpi.pk,
                "name": kpi.name,
                "product": kpi.product.name,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "latest": _number(kpi.latest_value),
                "latest_at": kpi.latest_at.isoformat() if kpi.latest_at else None,
                "period_first": _number(first),
                "period_last": _number(last),
                "period_change": _number(change),
                "improving": improving,
                "series": [{"at": at.isoformat(), "value": float(value)} for at, value in points],
            }
        )
    return rows


def _roadmap_figures(*, access: Access, start: date, end: date) -> tuple[dict, list[dict], dict]:
    """Counts, rows and coverage of every initiative in scope: once per version of the workspace's
    figures (core.figures, bumped by every write), so a page reads them from the cache and shows
    the first rows (see dashboards.views), whatever the number of initiatives."""
    product_ids = (
        [access.product.pk]
        if access.product is not None
        else list(access.workspace.products.values_list("pk", flat=True))
    )
    return cached_figure(
        workspace_id=access.workspace.pk,
        name="dashboards.roadmap",
        parts=(tuple(product_ids), start.isoformat(), end.isoformat()),
        compute=lambda: _roadmap_figures_compute(access=access, product_ids=product_ids, start=start, end=end),
    )


def _roadmap_figures_compute(*, access: Access, product_ids: list[int], start: date, end: date):
    initiatives = list(
        initiative_list_for_products(product_ids=product_ids)
        .defer("description", "custom_fields")
        .order_by("product__name", "rank", "id")
    )
    counts = {"now": 0, "next": 0, "later": 0, "shipped_this_period": 0}
    for initiative in initiatives:
        if initiative.status in ACTIVE_INITIATIVE_STATUSES:
            counts[initiative.horizon] += 1
        shipped_on = initiative.end_date or initiative.updated_at.date()
        if initiative.status == InitiativeStatus.SHIPPED and start <= shipped_on < end:
            counts["shipped_this_period"] += 1

    considered = [i for i in initiatives if i.status != InitiativeStatus.DROPPED]
    considered_ids = [i.pk for i in considered]
    # Sums over every item of the products: once per version of the workspace's figures (core.figures).
    progress = cached_figure(
        workspace_id=access.workspace.pk,
        name="dashboards.progress",
        parts=tuple(considered_ids),
        compute=lambda: item_progress_for_initiatives(initiative_ids=considered_ids),
    )
    effort = cached_figure(
        workspace_id=access.workspace.pk,
        name="dashboards.effort",
        parts=tuple(product_ids),
        compute=lambda: planned_effort_by_initiative(product_ids=product_ids),
    )
    linked_ids = {i.pk for i in considered if i.has_outcome}
    effort_total = sum(effort.values())
    effort_linked = sum(points for initiative_id, points in effort.items() if initiative_id in linked_ids)
    rows = []
    for initiative in considered:
        figures = progress.get(initiative.pk)
        rows.append(
            {
                "id": initiative.pk,
                "title": initiative.title,
                "product": initiative.product.name,
                "product_id": initiative.product_id,
                "horizon": initiative.horizon,
                "status": initiative.status,
                "status_label": initiative.get_status_display(),
                "has_outcome": initiative.has_outcome,
                "points_done": figures["done"] if figures else 0,
                "points_total": figures["total"] if figures else 0,
                "item_count": figures["item_count"] if figures else 0,
                "progress": figures["percent"] if figures else None,
            }
        )
    coverage = {
        "initiatives_total": len(considered),
        "initiatives_linked": len(linked_ids),
        "initiatives_percent": round(100 * len(linked_ids) / len(considered), 1) if considered else None,
        "effort_total": effort_total,
        "effort_linked": effort_linked,
        "effort_percent": round(100 * effort_linked / effort_total, 1) if effort_total else None,
        "unlinked": [
            {"id": r["id"], "title": r["title"], "product": r["product"], "product_id": r["product_id"]}
            for r in rows
            if not r["has_outcome"]
        ],
    }
    return counts, rows, coverage


def dashboard_figures(*, access: Access, period: str, today: date | None = None) -> dict:
    """Every figure of the dashboard of `access`'s product (or whole workspace) for one period."""
    today = today or timezone.localdate()
    start, end = period_bounds(period)
    objectives = _objective_figures(
        okr_selectors.objectives_for_dashboard(workspace=access.workspace, period=period, product=access.product)
    )
    roadmap, initiatives, coverage = _roadmap_figures(access=access, start=start, end=end)
    history = okr_selectors.progress_history(objective_ids=[o["id"] for o in objectives], start=start, end=end)
    health_counts = {h: 0 for h in (Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK)}
    for objective in objectives:
        if objective["health"]:
            health_counts[objective["health"]] += 1
    measured = [o["progress"] for o in objectives if o["progress"] is not None]
    return {
        "scope": {
            "workspace": {"id": access.workspace.pk, "name": access.workspace.name},
            "product": {"id": access.product.pk, "name": access.product.name} if access.product else None,
        },
        "period": {
            "name": period,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "expected_progress": _percent(expected_progress(period, today)),
        },
        "summary": {
            "objectives": len(objectives),
            "mean_progress": round(sum(measured) / len(measured), 1) if measured else None,
            "not_rolled_up": sum(1 for o in objectives if o["rolled_up_at"] is None),
            "health": {str(k): v for k, v in health_counts.items()},
        },
        "objectives": objectives,
        "at_risk": _at_risk(objectives),
        "kpis": _kpi_figures(access=access, start=start, end=end),
        "roadmap": roadmap,
        "initiatives": initiatives,
        "coverage": coverage,
        "history": [
            {
                "day": row["day"].isoformat(),
                "progress": _percent(row["progress"]),
                "expected": _percent(row["expected"]),
                "at_risk": row["at_risk"],
                "off_track": row["off_track"],
            }
            for row in history
        ],
    }

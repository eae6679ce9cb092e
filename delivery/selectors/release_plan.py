"""The release plan: every release of a product with its scope, progress, change since the baseline,
launch readiness, a forecast and what is at risk.

A constant number of queries whatever the number of items: one for the releases, one aggregate of
their items, one of the throughput history and one of the launch tasks. Releases are forecast in
target order on the work left up to each one (a team finishes the earlier release first).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from backlog.selectors.throughput import release_item_figures
from core.figures import cached_figure
from roadmap.models import ReleaseStatus
from roadmap.selectors.releases import release_list

from ..forecast import HORIZON_DAYS, percentile_days, simulate_days_many
from ..models import LaunchTask
from .forecasts import throughput, window_default

PLAN_TRIALS = 5_000


@dataclass
class Readiness:
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.total) if self.total else None


@dataclass
class ReleaseRow:
    release: object
    items: int = 0
    points: int = 0
    done_items: int = 0
    done_points: int = 0
    unestimated: int = 0
    remaining_before: int = 0  # work left in this release and the ones before it
    p50: date | None = None
    p85: date | None = None
    risk: str = "none"
    risk_reason: str = ""
    readiness: Readiness = field(default_factory=Readiness)

    @property
    def progress(self) -> int | None:
        if self.points:
            return round(100 * self.done_points / self.points)
        return round(100 * self.done_items / self.items) if self.items else None

    @property
    def remaining(self) -> int:
        return self.items - self.done_items

    @property
    def scope_change_points(self) -> int | None:
        baseline = self.release.baseline_points
        return None if baseline is None else self.points - baseline

    @property
    def scope_change_items(self) -> int | None:
        baseline = self.release.baseline_items
        return None if baseline is None else self.items - baseline


def launch_readiness(*, release_ids, today: date) -> dict[int, Readiness]:
    rows = (
        LaunchTask.objects.filter(release_id__in=list(release_ids))
        .values("release_id")
        .annotate(
            n_total=Count("id"),
            n_done=Count("id", filter=Q(done=True)),
            n_overdue=Count("id", filter=Q(done=False, due_date__lt=today)),
        )
        .order_by()
    )
    return {r["release_id"]: Readiness(r["n_total"], r["n_done"], r["n_overdue"]) for r in rows}


def _risk(row: ReleaseRow, *, today: date, throughput: int) -> tuple[str, str]:
    release = row.release
    if release.status == ReleaseStatus.RELEASED:
        return "shipped", "Released."
    if release.status == ReleaseStatus.CANCELLED:
        return "none", "Cancelled."
    if row.remaining == 0:
        return ("low", "All its work is finished.") if row.items else ("none", "No work planned in it yet.")
    if release.target_date is None:
        return "none", "No target date."
    if release.target_date < today:
        return "high", f"The target date has passed with {row.remaining} items left."
    if not throughput:
        return "high", "No item was finished lately: nothing to forecast from."
    if row.p85 and row.p85 <= release.target_date:
        return "low", "Done by the target in 85 % of the simulated futures."
    if row.p50 and row.p50 <= release.target_date:
        return "medium", "Done by the target in at least half, but not 85 %, of the simulated futures."
    return "high", "Done by the target in less than half of the simulated futures."


def release_plan(*, product, today: date | None = None, seed: int | None = None) -> list[ReleaseRow]:
    today = today or timezone.localdate()
    releases = list(release_list(product=product).order_by("target_date", "name", "id"))
    figures = cached_figure(  # a sum over the whole product: once per version of the workspace's figures
        workspace_id=product.workspace_id,
        name="delivery.release_items",
        parts=(product.pk,),
        compute=lambda: release_item_figures(product_id=product.pk),
    )
    window = window_default()
    history = throughput(product=product, first=today - timedelta(days=window), last=today - timedelta(days=1))
    readiness = launch_readiness(release_ids=[r.pk for r in releases], today=today)
    rows, remaining_before, open_rows = [], 0, []
    for release in releases:
        row = ReleaseRow(release=release, **figures.get(release.pk, {}))
        row.readiness = readiness.get(release.pk, Readiness())
        if release.status not in (ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED) and row.remaining:
            remaining_before += row.remaining
            row.remaining_before = remaining_before
            open_rows.append(row)
        rows.append(row)
    # One simulation for every release: each trial's future reaches the releases' cumulative counts in turn.
    simulated = simulate_days_many(history, [r.remaining_before for r in open_rows], trials=PLAN_TRIALS, seed=seed)
    for row, days in zip(open_rows, simulated, strict=True):
        p50, p85 = percentile_days(days, 50), percentile_days(days, 85)
        row.p50 = today + timedelta(days=p50) if p50 <= HORIZON_DAYS else None
        row.p85 = today + timedelta(days=p85) if p85 <= HORIZON_DAYS else None
    for row in rows:
        row.risk, row.risk_reason = _risk(row, today=today, throughput=sum(history))
    return rows

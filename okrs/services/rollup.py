"""The rollup: key results' current values, progress and health, and their objectives' figures.

It applies the rules of okrs.progress to a workspace in a constant number of set-based
statements, whatever the number of rows:

1. key results: current value, latest confidence and note from their measurements (one UPDATE
   with correlated subqueries that use the (key_result, -measured_at) and (kpi, -measured_at) indexes);
2. key results: progress (one UPDATE), then health (one UPDATE per distinct period);
3. objectives: `objective_progress` of their key results and supporting objectives, computed
   bottom-up in Python from one query and written back with `bulk_update` for the rows that changed.

The SQL of steps 1 and 2 is the set-based form of `key_result_current_value`, `key_result_progress`
and `health_of`; tests/okrs/test_rollup_math.py checks each against its Python rule on random data.
Every figure is recomputed from source rows, so running a rollup twice gives the same result.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Case, DecimalField, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.utils import timezone

from jobs.models import Job, JobState
from jobs.services import job_fail, job_progress, job_start, job_succeed

from ..choices import Health, KeyResultDirection
from ..models import (
    KPI,
    RECOMPUTE_JOB_KIND,
    KeyResult,
    KeyResultSnapshot,
    Measurement,
    Objective,
    ObjectiveSnapshot,
)
from ..periods import expected_progress
from ..progress import ONE, ZERO, Thresholds, health_of, objective_progress
from ..selectors import health_thresholds

# First key of pg_advisory_xact_lock(int, int) for "OKR rollup"; the second is the workspace.
ROLLUP_LOCK_NAMESPACE = 4_042


def key_results_values_refresh(*, key_results: QuerySet[KeyResult], touched_at: datetime | None = None) -> int:
    """Current value (`key_result_current_value`), latest confidence, note and check-in time, for every
    key result of `key_results` at once. Services pass `touched_at` to mark the rows as updated."""
    latest_check_in = Measurement.objects.filter(key_result=OuterRef("pk")).order_by("-measured_at", "-id")
    latest_kpi_value = Measurement.objects.filter(kpi=OuterRef("kpi_id")).order_by("-measured_at", "-id")
    value_field = DecimalField(max_digits=16, decimal_places=4)
    touched = {} if touched_at is None else {"updated_at": Value(touched_at)}
    return key_results.update(
        current_value=Coalesce(
            Subquery(latest_kpi_value.values("value")[:1], output_field=value_field),
            Subquery(latest_check_in.values("value")[:1], output_field=value_field),
        ),
        confidence=Subquery(latest_check_in.values("confidence")[:1]),
        last_check_in_at=Subquery(latest_check_in.values("measured_at")[:1]),
        last_check_in_note=Coalesce(Subquery(latest_check_in.values("note")[:1]), Value("")),
        **touched,
    )


def key_results_progress_refresh(*, key_results: QuerySet[KeyResult], now: datetime) -> int:
    """`key_result_progress` of every key result of `key_results`, in one UPDATE."""
    gained = F("current_value") - F("start_value")
    if connection.vendor == "sqlite":
        # SQLite keeps whole decimals as integers and would divide them as integers (15 / 30 = 0).
        gained = Cast(gained, FloatField())
    else:
        # PostgreSQL divides to the scale of its operands (16 digits or so) before the column rounds
        # to 6 places: a dividend of scale 30 makes that column rounding the only one that matters.
        gained = Cast(gained, DecimalField(max_digits=50, decimal_places=30))
    ratio = gained / (F("target_value") - F("start_value"))
    return key_results.update(
        rollup_progress=Case(
            When(Q(current_value__isnull=True) | Q(target_value=F("start_value")), then=Value(ZERO)),
            When(
                Q(direction=KeyResultDirection.RANGE)
                & Q(current_value__gte=F("start_value"), current_value__lte=F("target_value")),
                then=Value(ONE),
            ),
            When(direction=KeyResultDirection.RANGE, then=Value(ZERO)),
            default=Greatest(Value(ZERO), Least(Value(ONE), ratio)),
            output_field=DecimalField(max_digits=7, decimal_places=6),
        ),
        rolled_up_at=Value(now),
    )


def key_results_health_refresh(
    *, key_results: QuerySet[KeyResult], periods: dict[str, Decimal], thresholds: Thresholds
) -> None:
    """`health_of` every key result of `key_results`, one UPDATE per period (its expected progress is a
    constant). Their progress is never None after `key_results_progress_refresh`."""
    for period, expected in periods.items():
        key_results.filter(objective__period=period).update(
            health=Case(
                When(
                    Q(rollup_progress__lt=expected - thresholds.off_track_gap)
                    | Q(confidence__lt=thresholds.off_track_confidence),
                    then=Value(Health.OFF_TRACK),
                ),
                When(
                    Q(rollup_progress__lt=expected - thresholds.at_risk_gap)
                    | Q(confidence__lt=thresholds.at_risk_confidence),
                    then=Value(Health.AT_RISK),
                ),
                default=Value(Health.ON_TRACK),
            )
        )


def _objective_figures(*, workspace_id: int, today: date, thresholds: Thresholds, now: datetime) -> int:
    """Objectives bottom-up from one query of their key results; writes only the objectives whose figures changed.

    An objective's confidence is the mean of its key results' mean confidence and of the
    confidences of the objectives supporting it.
    """
    objectives = list(
        Objective.objects.filter(workspace_id=workspace_id).only(
            "id", "parent_id", "weight", "period", "progress", "expected_progress", "confidence", "health"
        )
    )
    key_results: dict[int, list[tuple[Decimal, Decimal, int | None]]] = {}
    rows = (
        KeyResult.objects.filter(objective__workspace_id=workspace_id)
        .order_by()
        .values_list("objective_id", "rollup_progress", "weight", "confidence")
    )
    for objective_id, progress, weight, confidence in rows:
        key_results.setdefault(objective_id, []).append((progress, weight, confidence))
    children: dict[int, list[Objective]] = {}
    for objective in objectives:
        if objective.parent_id is not None:
            children.setdefault(objective.parent_id, []).append(objective)

    figures: dict[int, tuple[Decimal | None, Decimal | None]] = {}  # id -> (progress, confidence)

    def compute(objective: Objective, path: frozenset) -> tuple[Decimal | None, Decimal | None]:
        if objective.pk in figures:
            return figures[objective.pk]
        own = key_results.get(objective.pk, [])
        parts = [(progress, weight) for progress, weight, _ in own]
        known = [Decimal(confidence) for _, _, confidence in own if confidence is not None]
        confidences = [sum(known) / len(known)] if known else []
        for child in children.get(objective.pk, []):
            if child.pk in path:  # a cycle slipped past validation: ignore the back edge
                continue
            child_progress, child_confidence = compute(child, path | {child.pk})
            parts.append((child_progress, child.weight))
            if child_confidence is not None:
                confidences.append(child_confidence)
        confidence = sum(confidences) / len(confidences) if confidences else None
        figures[objective.pk] = (objective_progress(parts), confidence)
        return figures[objective.pk]

    expected_by_period: dict[str, Decimal] = {}
    changed = []
    for objective in objectives:
        progress, confidence = compute(objective, frozenset({objective.pk}))
        if objective.period not in expected_by_period:
            expected_by_period[objective.period] = expected_progress(objective.period, today)
        expected = expected_by_period[objective.period]
        confidence_int = None if confidence is None else int(confidence.quantize(ONE, rounding=ROUND_HALF_UP))
        health = health_of(progress=progress, expected=expected, confidence=confidence_int, thresholds=thresholds)
        new = (progress, expected, confidence_int, health)
        if new != (objective.progress, objective.expected_progress, objective.confidence, objective.health):
            objective.progress, objective.expected_progress, objective.confidence, objective.health = new
            objective.rolled_up_at = now
            changed.append(objective)
    Objective.objects.bulk_update(
        changed, ["progress", "expected_progress", "confidence", "health", "rolled_up_at"], batch_size=500
    )
    return len(changed)


def _lock_workspace_rollups(workspace_id: int) -> None:
    """Serialise rollups of one workspace (a check-in's rollup and the nightly one may overlap) until the
    transaction ends. Other databases than PostgreSQL serialise writers themselves."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROLLUP_LOCK_NAMESPACE, workspace_id])


@transaction.atomic
def workspace_rollup(
    *, workspace_id: int, key_result_ids: Iterable[int] | None = None, today: date | None = None
) -> dict:
    """Recompute the key results of a workspace (all, or only `key_result_ids` and any never rolled up)
    and all its objectives."""
    today = today or timezone.localdate()
    now = timezone.now()
    _lock_workspace_rollups(workspace_id)
    thresholds = health_thresholds(workspace_id=workspace_id)
    key_results = KeyResult.objects.filter(objective__workspace_id=workspace_id)
    if key_result_ids is not None:
        chosen = key_results.filter(Q(pk__in=list(key_result_ids)) | Q(rollup_progress__isnull=True))
        key_results = KeyResult.objects.filter(pk__in=list(chosen.values_list("pk", flat=True)))
    touched = key_results_values_refresh(key_results=key_results)
    key_results_progress_refresh(key_results=key_results, now=now)
    periods = sorted(set(key_results.order_by().values_list("objective__period", flat=True).distinct()))
    key_results_health_refresh(
        key_results=key_results, periods={p: expected_progress(p, today) for p in periods}, thresholds=thresholds
    )
    objectives_changed = _objective_figures(workspace_id=workspace_id, today=today, thresholds=thresholds, now=now)
    return {"key_results": touched, "objectives_changed": objectives_changed}


def kpi_rollup(*, kpi_id: int) -> dict | None:
    """Roll up the key results tracking a KPI (a KPI lives in one workspace)."""
    kpi = KPI.objects.select_related("product").filter(pk=kpi_id).first()
    if kpi is None:
        return None
    key_result_ids = list(KeyResult.objects.filter(kpi_id=kpi_id).values_list("pk", flat=True))
    if not key_result_ids:
        return {"key_results": 0, "objectives_changed": 0}
    return workspace_rollup(workspace_id=kpi.product.workspace_id, key_result_ids=key_result_ids)


def workspace_snapshot(*, workspace_id: int, day: date) -> dict:
    """Store today's figures of every objective and key result of the workspace; a rerun overwrites the day."""
    quote = connection.ops.quote_name
    objective_table, kr_table = quote(Objective._meta.db_table), quote(KeyResult._meta.db_table)
    objective_snapshots = quote(ObjectiveSnapshot._meta.db_table)
    kr_snapshots = quote(KeyResultSnapshot._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {objective_snapshots} (objective_id, day, progress, expected_progress, confidence, health)
            SELECT o.id, %s, o.progress, o.expected_progress, o.confidence, o.health
            FROM {objective_table} o WHERE o.workspace_id = %s
            ON CONFLICT (objective_id, day) DO UPDATE SET progress = EXCLUDED.progress,
                expected_progress = EXCLUDED.expected_progress, confidence = EXCLUDED.confidence,
                health = EXCLUDED.health
            """,
            [day, workspace_id],
        )
        objectives = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {kr_snapshots} (key_result_id, day, current_value, progress, confidence, health)
            SELECT k.id, %s, k.current_value, k.rollup_progress, k.confidence, k.health
            FROM {kr_table} k JOIN {objective_table} o ON o.id = k.objective_id WHERE o.workspace_id = %s
            ON CONFLICT (key_result_id, day) DO UPDATE SET current_value = EXCLUDED.current_value,
                progress = EXCLUDED.progress, confidence = EXCLUDED.confidence, health = EXCLUDED.health
            """,
            [day, workspace_id],
        )
        return {"objectives": objectives, "key_results": cursor.rowcount}


def workspace_rollup_and_snapshot(*, workspace_id: int, day: date) -> dict:
    """The nightly figure: recompute everything, then store the day's snapshot (idempotent per day)."""
    figures = workspace_rollup(workspace_id=workspace_id, today=day)
    return {**figures, "snapshot": workspace_snapshot(workspace_id=workspace_id, day=day)}


def okr_recompute_run(*, job_id: int) -> None:
    """The body of an on-demand recompute job: the rollup and the day's snapshot, recorded on the job."""
    job = Job.objects.filter(pk=job_id, kind=RECOMPUTE_JOB_KIND).first()
    if job is None or job.state == JobState.SUCCEEDED:
        return  # gone, or a redelivery of a job already done
    job_start(job_id=job_id)
    try:
        day = timezone.localdate()
        result = workspace_rollup(workspace_id=job.workspace_id, today=day)
        job_progress(job_id=job_id, progress=70)  # the rollup is the long part; the snapshot is one statement each
        result["snapshot"] = workspace_snapshot(workspace_id=job.workspace_id, day=day)
    except Exception as error:  # recorded on the job for the page, then raised for Celery
        job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
        raise
    job_succeed(job_id=job_id, result=result)

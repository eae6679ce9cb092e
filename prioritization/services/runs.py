"""Full re-scores of a product: set-based SQL, a lock against two runs at once, snapshots, settings."""

import contextlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from backlog.models import BacklogItem
from backlog.services.scores import items_scores_refresh
from core import outbox
from core.events import publish
from core.services import instance_create, instance_update
from jobs.models import Job
from jobs.services import job_create, job_progress, job_run
from products.models import Product

from .. import scoring
from ..events import PRIORITIZATION_COMPLETED
from ..models import (
    CriterionValue,
    CustomScore,
    Framework,
    PrioritySettings,
    ScorecardCriterion,
    Snapshot,
)
from ..selectors import JOB_KIND, SCORE_FIELDS, settings_for
from .derived import derived_values_sync

ITEMS = BacklogItem._meta.db_table
CRITERIA = ScorecardCriterion._meta.db_table
VALUES = CriterionValue._meta.db_table
CUSTOM = CustomScore._meta.db_table
ADVISORY_NAMESPACE = 4_041  # first key of pg_advisory_lock(int, int): "prioritisation run"; the second is the product


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def product_run_lock(*, product_id: int):
    """Serialise full runs of one product: a second run waits, then finds nothing left to change.

    On PostgreSQL a session-level advisory lock, so each step of the run commits on its own and
    its progress is visible; it is released when the connection closes, so a killed worker does
    not leave it behind. Other databases serialise writers themselves.
    """
    if not _is_postgres():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, product_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, product_id])


@transaction.atomic
def product_reprioritise_start(*, product: Product, actor) -> Job:
    """Record a tracked job and enqueue the full re-score after commit."""
    job = job_create(workspace=product.workspace, product=product, kind=JOB_KIND, actor=actor)
    outbox.enqueue("prioritization.tasks.product_reprioritise", product_id=product.pk, job_id=job.pk)
    return job


def reprioritise_after_bulk_save(*, event: str, workspace_id: int, data: dict) -> None:
    """Subscriber of core.events: a bulk save of items re-scores their product as one tracked job."""
    if event != "item.bulk_saved":
        return
    product = Product.objects.select_related("workspace").filter(pk=data["product"]).first()
    if product is None:
        return
    actor = get_user_model().objects.filter(pk=data.get("actor")).first()
    product_reprioritise_start(product=product, actor=actor)


def rescore_custom(product_id: int) -> int:
    """Store every complete item's custom-scorecard score; drop the scores of incomplete items."""
    criteria_count = ScorecardCriterion.objects.filter(product_id=product_id).count()
    if criteria_count == 0:
        return CustomScore.objects.filter(product_id=product_id).delete()[0]
    fresh = f"""
        SELECT i.id AS item_id, round(c.total / i.effort, 2) AS score
        FROM {ITEMS} i
        JOIN (
            SELECT v.item_id, count(*) AS n, sum(cr.weight * v.value) AS total
            FROM {VALUES} v JOIN {CRITERIA} cr ON cr.id = v.criterion_id
            WHERE cr.product_id = %s GROUP BY v.item_id
        ) c ON c.item_id = i.id
        WHERE i.product_id = %s AND i.effort > 0 AND c.n = %s
    """
    params = [product_id, product_id, criteria_count]
    if not _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(fresh, params)
            rows = cursor.fetchall()
        CustomScore.objects.filter(product_id=product_id).delete()
        CustomScore.objects.bulk_create(
            [
                CustomScore(item_id=i, product_id=product_id, score=Decimal(str(s)).quantize(scoring.CENT))
                for i, s in rows
            ]
        )
        return len(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            DELETE FROM {CUSTOM} cs WHERE cs.product_id = %s
              AND NOT EXISTS (SELECT 1 FROM ({fresh}) f WHERE f.item_id = cs.item_id)
            """,
            [product_id, *params],
        )
        dropped = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {CUSTOM} (item_id, product_id, score) SELECT f.item_id, %s, f.score FROM ({fresh}) f
            ON CONFLICT (item_id) DO UPDATE SET score = EXCLUDED.score
            WHERE {CUSTOM}.score IS DISTINCT FROM EXCLUDED.score
            """,
            [product_id, *params],
        )
        return dropped + cursor.rowcount


def _ranking(product_id: int, framework: str) -> list[list]:
    score = SCORE_FIELDS[framework]
    rows = (
        BacklogItem.objects.filter(product_id=product_id, **{f"{score}__isnull": False})
        .order_by(f"-{score}", "rank", "id")
        .values_list("id", score)
    )
    return [[item_id, str(value)] for item_id, value in rows]


SNAPSHOTS = Snapshot._meta.db_table
SNAPSHOT_SOURCES = {
    # (FROM clause, score expression) of a framework's stored score, per item
    Framework.RICE: (f"{ITEMS} i", "i.rice_score"),
    Framework.WSJF: (f"{ITEMS} i", "i.wsjf_score"),
    Framework.CUSTOM: (f"{ITEMS} i LEFT JOIN {CUSTOM} cs ON cs.item_id = i.id", "cs.score"),
}


def _snapshot_record(*, product_id: int, framework: str, job: Job) -> tuple[Snapshot, bool]:
    """Store the ranking as a snapshot, unless it is the same as the last one (then return that one).

    On PostgreSQL one statement builds the ranking (jsonb), compares it with the last snapshot and
    inserts it only when it differs, so 100,000 ids never travel through Python.
    """
    if not _is_postgres():
        ranking = _ranking(product_id, framework)
        last = Snapshot.objects.filter(product_id=product_id, framework=framework).first()
        if last is not None and last.ranking == ranking:
            return last, False
        total = BacklogItem.objects.filter(product_id=product_id).count()
        snapshot = Snapshot.objects.create(
            product_id=product_id,
            framework=framework,
            created_by_id=job.started_by_id,
            job=job,
            ranking=ranking,
            scored_count=len(ranking),
            unscored_count=total - len(ranking),
        )
        return snapshot, True
    source, score = SNAPSHOT_SOURCES[framework]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS (
                SELECT coalesce(jsonb_agg(jsonb_build_array(i.id, {score}::text) ORDER BY {score} DESC, i.rank, i.id)
                                FILTER (WHERE {score} IS NOT NULL), '[]'::jsonb) AS ranking,
                       count({score}) AS scored, count(*) AS total
                FROM {source} WHERE i.product_id = %(product)s
            ),
            last AS (
                SELECT id, ranking FROM {SNAPSHOTS} WHERE product_id = %(product)s AND framework = %(framework)s
                ORDER BY created_at DESC, id DESC LIMIT 1
            ),
            inserted AS (
                INSERT INTO {SNAPSHOTS}
                    (product_id, framework, created_at, created_by_id, job_id, ranking, scored_count, unscored_count)
                SELECT %(product)s, %(framework)s, now(), %(user)s, %(job)s, fresh.ranking, fresh.scored,
                       fresh.total - fresh.scored
                FROM fresh WHERE NOT EXISTS (SELECT 1 FROM last WHERE last.ranking = fresh.ranking)
                RETURNING id
            )
            SELECT (SELECT id FROM inserted), (SELECT id FROM last)
            """,
            {"product": product_id, "framework": framework, "user": job.started_by_id, "job": job.pk},
        )
        inserted_id, last_id = cursor.fetchone()
    snapshot = Snapshot.objects.defer("ranking").get(pk=inserted_id or last_id)
    return snapshot, inserted_id is not None


def product_reprioritise(*, product_id: int, job_id: int) -> dict:
    """Re-score every item of a product (RICE, WSJF, custom scorecard) and record a snapshot.

    Set-based: a few statements whatever the backlog's size. Idempotent: rows already right are
    not written, and a snapshot equal to the last one is not stored again, so a second run (or a
    redelivered task) changes nothing. Two runs of one product are serialised by `product_run_lock`.
    """
    workspace = {}

    def work(job: Job) -> dict:
        result, workspace["id"] = _run(product_id=product_id, job=job)
        return result

    def announce(result: dict) -> None:
        publish(event=PRIORITIZATION_COMPLETED, workspace_id=workspace["id"], data={"job_id": job_id, **result})

    return job_run(job_id=job_id, work=work, on_success=announce)


def _run(*, product_id: int, job: Job) -> tuple[dict, int]:
    product = Product.objects.get(pk=product_id)
    framework = settings_for(product=product).default_framework
    with product_run_lock(product_id=product_id):
        with transaction.atomic():
            scores_changed = items_scores_refresh(product_id=product_id)
        job_progress(job_id=job.pk, progress=45)
        with transaction.atomic():
            derived_values_sync(product_id=product_id)  # values read from the items' own data, fresh
            custom_changed = rescore_custom(product_id)
        job_progress(job_id=job.pk, progress=75)
        with transaction.atomic():
            snapshot, recorded = _snapshot_record(product_id=product_id, framework=framework, job=job)
    result = {
        "product_id": product_id,
        "framework": framework,
        "items_rescored": scores_changed,
        "custom_scores_changed": custom_changed,
        "snapshot_id": snapshot.pk,
        "snapshot_recorded": recorded,
        "scored": snapshot.scored_count,
        "unscored": snapshot.unscored_count,
    }
    return result, product.workspace_id


@transaction.atomic
def settings_update(*, product: Product, data: dict, actor) -> tuple[PrioritySettings, Job | None]:
    """Change a product's settings; a change that moves scores or ranks starts a full re-score.

    The product row lock makes two first saves at once wait for each other instead of both
    inserting a settings row.
    """
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk", flat=True).get()
    current = PrioritySettings.objects.filter(product=product).first()
    if current is None:
        current = instance_create(instance=PrioritySettings(product=product, **data), actor=actor)
        changed = True
    else:
        current, changed = instance_update(instance=current, data=data)
    job = product_reprioritise_start(product=product, actor=actor) if changed else None
    return current, job

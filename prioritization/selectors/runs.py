"""Reads of full re-scores: the job they are tracked as, the snapshots they record, and the column
each framework's stored score is read from."""

from django.db import connection
from django.db.models import QuerySet

from core.figures import cached_figure
from jobs.models import Job

from ..models import Framework, Snapshot

JOB_KIND = "prioritization.reprioritise"
SCORE_FIELDS = {Framework.RICE: "rice_score", Framework.WSJF: "wsjf_score", Framework.CUSTOM: "custom_score__score"}


def job_latest(*, product) -> Job | None:
    return Job.objects.filter(product=product, kind=JOB_KIND).select_related("started_by").first()


def snapshot_list(*, product) -> QuerySet[Snapshot]:
    """Past runs of the product, newest first, without their rankings."""
    return Snapshot.objects.filter(product=product).defer("ranking").select_related("created_by")


def snapshot_latest(*, product, framework: str) -> Snapshot | None:
    return Snapshot.objects.filter(product=product, framework=framework).defer("ranking").first()


def snapshot_choices(*, product, framework: str, limit: int = 10) -> list[Snapshot]:
    """The latest runs of a framework (without their rankings), newest first, to compare the order with."""
    return list(
        Snapshot.objects.filter(product=product, framework=framework)
        .defer("ranking")
        .select_related("created_by")[:limit]
    )


def snapshot_positions(*, snapshot: Snapshot | None, item_ids: list[int] | None = None) -> dict[int, int]:
    """Places in a snapshot's ranking (1 = best): of some items (read in SQL, without sending the whole
    ranking here) or of all."""
    if snapshot is None:
        return {}
    if item_ids is not None and connection.vendor == "postgresql":
        if not item_ids:
            return {}
        return cached_figure(  # a snapshot never changes: no write needs to bump these (scope 0)
            workspace_id=0,
            name="prioritization.snapshot_positions",
            parts=(snapshot.pk, tuple(item_ids)),
            compute=lambda: _snapshot_positions_of(snapshot, item_ids),
        )
    ranking = Snapshot.objects.filter(pk=snapshot.pk).values_list("ranking", flat=True).get()
    positions = {item_id: position for position, (item_id, _score) in enumerate(ranking, start=1)}
    return positions if item_ids is None else {pk: positions[pk] for pk in item_ids if pk in positions}


def _snapshot_positions_of(snapshot: Snapshot, item_ids: list[int]) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (e.value->>0)::bigint, e.position FROM {Snapshot._meta.db_table} s "
            "CROSS JOIN LATERAL jsonb_array_elements(s.ranking) WITH ORDINALITY AS e(value, position) "
            "WHERE s.id = %s AND (e.value->>0)::bigint = ANY(%s)",
            [snapshot.pk, list(item_ids)],
        )
        return dict(cursor.fetchall())

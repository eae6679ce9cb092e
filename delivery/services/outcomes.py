"""Writes of outcome reviews: scheduled when work ships, marked due by a beat task, recorded by a PM.

When an initiative or a release ships, the subscriber (delivery.subscribers) schedules a review a
chosen time later (OUTCOME_REVIEW_DELAY_DAYS by default; a PM may move it), keeping the linked key
results' and KPIs' values of that moment as the baseline. The review compares them with the values
when it is recorded, and says whether any metric moved the way it should.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.events import publish
from core.exceptions import ApplicationError
from core.services import instance_update
from okrs.selectors import outcome_values
from roadmap.selectors.initiatives import outcome_links
from roadmap.selectors.releases import release_initiative_ids

from ..models import REVIEW_DELAY_DAYS_MAX, OutcomeReview, ReviewStatus, Verdict


def delay_default() -> int:
    return getattr(settings, "OUTCOME_REVIEW_DELAY_DAYS", 30)


def _links(*, initiative_ids) -> dict[str, set[int]]:
    return outcome_links(initiative_ids=initiative_ids)


def _values(links: dict) -> dict:
    values = outcome_values(key_result_ids=links["key_results"], kpi_ids=links["kpis"])
    return {
        kind: {str(pk): (str(row["value"]) if row["value"] is not None else None) for pk, row in rows.items()}
        for kind, rows in values.items()
    }


def _announce(event: str, review: OutcomeReview, workspace_id: int, **extra) -> None:
    data = {
        "id": review.pk,
        "product": review.product_id,
        "initiative": review.initiative_id,
        "release": review.release_id,
        "due_on": review.due_on.isoformat(),
        "status": review.status,
        **extra,
    }
    publish(event=event, workspace_id=workspace_id, data=data)


@transaction.atomic
def outcome_review_schedule(
    *, workspace_id: int, product_id: int, shipped_at, initiative_id: int | None = None, release_id: int | None = None
) -> OutcomeReview | None:
    """Schedule the review of shipped work (once per shipping), with the metrics' values of now as baseline.

    A release's metrics are those of its initiatives. None if this shipping already has a review.
    """
    initiative_ids = release_initiative_ids(release_id=release_id) if release_id is not None else [initiative_id]
    links = _links(initiative_ids=initiative_ids)
    review = OutcomeReview(
        product_id=product_id,
        initiative_id=initiative_id,
        release_id=release_id,
        shipped_at=shipped_at,
        due_on=timezone.localdate(shipped_at) + timedelta(days=delay_default()),
        baseline=_values(links),
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        return None
    _announce("outcome_review.scheduled", review, workspace_id)
    return review


@transaction.atomic
def outcome_review_reschedule(*, review: OutcomeReview, due_on) -> OutcomeReview:
    """Choose when the review is asked for (at most REVIEW_DELAY_DAYS_MAX after shipping)."""
    if review.status == ReviewStatus.RECORDED:
        raise ApplicationError("This review is recorded; its date no longer matters.")
    shipped_on = timezone.localdate(review.shipped_at)
    if not shipped_on <= due_on <= shipped_on + timedelta(days=REVIEW_DELAY_DAYS_MAX):
        raise ValidationError({"due_on": f"Pick a day from the shipping day to {REVIEW_DELAY_DAYS_MAX} days after it."})
    status = ReviewStatus.DUE if due_on <= timezone.localdate() else ReviewStatus.SCHEDULED
    review, changed = instance_update(instance=review, data={"due_on": due_on})
    if review.status != status:
        OutcomeReview.objects.filter(pk=review.pk).update(status=status)
        review.status = status
    return review


def outcome_reviews_mark_due(*, today=None) -> int:
    """Mark the scheduled reviews whose day has come as due, and announce each (idempotent)."""
    today = today or timezone.localdate()
    marked = 0
    with transaction.atomic():
        due = list(
            OutcomeReview.objects.select_for_update(skip_locked=True)
            .filter(status=ReviewStatus.SCHEDULED, due_on__lte=today)
            .select_related("product")
        )
        for review in due:
            review.status = ReviewStatus.DUE
        OutcomeReview.objects.filter(pk__in=[r.pk for r in due]).update(status=ReviewStatus.DUE)
        for review in due:
            _announce("outcome_review.due", review, review.product.workspace_id)
            marked += 1
    return marked


def _better(direction: str, before, after, row: dict) -> bool | None:
    if before is None or after is None:
        return None
    before, after = Decimal(before), Decimal(after)
    if direction == "decrease":
        return after < before
    if direction == "range":
        return Decimal(row["start"]) <= after <= Decimal(row["target"])
    return after > before


def outcome_comparison(*, review: OutcomeReview) -> list[dict]:
    """Each linked metric with its value when the work shipped, now, and whether it moved the right way."""
    baseline = review.baseline or {}
    ids = {kind: {int(pk) for pk in baseline.get(kind, {})} for kind in ("key_results", "kpis")}
    now = outcome_values(key_result_ids=ids["key_results"], kpi_ids=ids["kpis"])
    rows = []
    for kind in ("key_results", "kpis"):
        for pk, row in now[kind].items():
            before = baseline.get(kind, {}).get(str(pk))
            rows.append(
                {
                    "kind": "key result" if kind == "key_results" else "KPI",
                    "id": pk,
                    "name": row["name"],
                    "unit": row["unit"],
                    "direction": row["direction"],
                    "before": Decimal(before) if before is not None else None,
                    "after": row["value"],
                    "moved": _better(row["direction"], before, row["value"], row),
                }
            )
    return rows


@transaction.atomic
def outcome_review_record(*, review: OutcomeReview, verdict: str, learning: str, actor) -> OutcomeReview:
    """Record the PM's verdict and learning; keeps whether a linked metric moved the right way."""
    review = OutcomeReview.objects.select_for_update().select_related("product").get(pk=review.pk)
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": "Say whether it worked, partly worked or did not work."})
    learning = (learning or "").strip()
    if not learning:
        raise ValidationError({"learning": "Write down what you learned, for the next bet."})
    moved = [row["moved"] for row in outcome_comparison(review=review) if row["moved"] is not None]
    review, _ = instance_update(instance=review, data={"verdict": verdict, "learning": learning})
    now = timezone.now()
    metric_moved = any(moved) if moved else None
    OutcomeReview.objects.filter(pk=review.pk).update(
        status=ReviewStatus.RECORDED, recorded_at=now, recorded_by=actor, metric_moved=metric_moved
    )
    review.status, review.recorded_at, review.recorded_by, review.metric_moved = (
        ReviewStatus.RECORDED,
        now,
        actor,
        metric_moved,
    )
    _announce(
        "outcome_review.recorded", review, review.product.workspace_id, verdict=verdict, metric_moved=metric_moved
    )
    return review


@transaction.atomic
def outcome_review_delete(*, review: OutcomeReview) -> None:
    """Drop a review (work marked shipped by mistake); shipping it again schedules a new one."""
    review.delete()


@transaction.atomic
def outcome_review_draft(*, review: OutcomeReview, learning: str) -> OutcomeReview:
    """Keep notes on the learning before the verdict is recorded."""
    return instance_update(instance=review, data={"learning": learning})[0]

"""Apply a ranking to the backlog's manual order, as one tracked job, and undo it.

The job reorders the product's open items among the ranks they already hold (backlog's
`items_reorder`, one statement): the items the framework scores first, best score first, then the
unscored ones in their current relative order. Done, accepted and rejected items keep their places.

Undo: the job's result keeps the open items' previous order (`previous_order`, ids top first); an
undo job puts those items back in that order among the ranks they hold then. Every rank written by
either job is also recorded in the items' history (collaboration's pghistory triggers).

Lock order as in backlog/services/items.py: the product row, then the items in ascending id.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from backlog.models import BacklogItem
from backlog.services.bulk import items_reorder
from backlog.services.items import products_lock
from core import outbox
from jobs.models import Job, JobState
from jobs.services import job_create, job_run
from products.models import Product

from ..models import Framework
from ..selectors import APPLY_KIND, OPEN_STATUSES, SCORE_FIELDS, UNDO_KIND


def ranking_order(*, scored: list[int], unscored: list[int]) -> list[int]:
    """The new manual order of the open items: the scored ones in score order, then the others."""
    first = set(scored)
    return [*scored, *[pk for pk in unscored if pk not in first]]


@transaction.atomic
def ranking_apply_start(*, product: Product, framework: str, actor) -> Job:
    """Record a tracked job that applies `framework`'s ranking to the backlog, run after commit."""
    if framework not in Framework.values:
        raise ValidationError({"framework": f"Choose one of {', '.join(Framework.values)}."})
    job = job_create(workspace=product.workspace, product=product, kind=APPLY_KIND, actor=actor)
    outbox.enqueue("prioritization.tasks.ranking_apply", product_id=product.pk, job_id=job.pk, framework=str(framework))
    return job


NOT_AN_APPLICATION = "Only an application of a ranking to this product's backlog can be undone."
NOT_FINISHED = "This application of the ranking has not finished: there is nothing to undo yet."
ALREADY_UNDONE = "This application of the ranking has already been undone."
UNDO_RULES = (NOT_FINISHED, ALREADY_UNDONE)


def ranking_undo_check(*, product: Product, applied: Job) -> None:
    if applied.product_id != product.pk or applied.kind != APPLY_KIND:
        raise ValidationError(NOT_AN_APPLICATION)
    if applied.state != JobState.SUCCEEDED:
        raise ValidationError(NOT_FINISHED)
    if (applied.result or {}).get("undone_by"):
        raise ValidationError(ALREADY_UNDONE)


@transaction.atomic
def ranking_undo_start(*, product: Product, applied: Job, actor) -> Job:
    """Record a tracked job that puts the backlog back in the order it had before `applied`."""
    ranking_undo_check(product=product, applied=applied)
    job = job_create(workspace=product.workspace, product=product, kind=UNDO_KIND, actor=actor)
    outbox.enqueue("prioritization.tasks.ranking_undo", product_id=product.pk, job_id=job.pk, applied_id=applied.pk)
    return job


def _lock(product_id: int, item_ids: list[int] | None = None) -> None:
    """Lock the product, then its open items (or these of its items) in ascending id."""
    products_lock([product_id])
    items = BacklogItem.objects.select_for_update(of=("self",)).filter(product_id=product_id)
    items = items.filter(pk__in=item_ids) if item_ids is not None else items.filter(status__in=OPEN_STATUSES)
    list(items.order_by("pk").values_list("pk", flat=True))


def ranking_apply(*, product_id: int, job_id: int, framework: str) -> dict:
    """Reorder the product's open items to match `framework`'s ranking (the worker's side)."""

    def work(job) -> dict:
        with transaction.atomic():
            product = Product.objects.get(pk=product_id)
            _lock(product_id)
            score = SCORE_FIELDS[framework]
            open_items = BacklogItem.objects.filter(product_id=product_id, status__in=OPEN_STATUSES)
            previous = list(open_items.order_by("rank", "pk").values_list("pk", flat=True))
            scored = list(
                open_items.filter(**{f"{score}__isnull": False})
                .order_by(f"-{score}", "rank", "pk")
                .values_list("pk", flat=True)
            )
            order = ranking_order(scored=scored, unscored=previous)
            moved = items_reorder(product=product, ordered_ids=order)
        return {
            "product_id": product_id,
            "framework": framework,
            "scored": len(scored),
            "unscored": len(previous) - len(scored),
            "moved": moved,
            "previous_order": previous,
        }

    return job_run(job_id=job_id, work=work)


def ranking_undo(*, product_id: int, job_id: int, applied_id: int) -> dict:
    """Put the items of an applied ranking back in their previous order (the worker's side)."""

    def work(job) -> dict:
        with transaction.atomic():
            product = Product.objects.get(pk=product_id)
            applied = Job.objects.select_for_update().get(pk=applied_id, product_id=product_id, kind=APPLY_KIND)
            ranking_undo_check(product=product, applied=applied)
            previous = applied.result.get("previous_order", [])
            _lock(product_id, previous)
            moved = items_reorder(product=product, ordered_ids=previous)
            Job.objects.filter(pk=applied.pk).update(result={**applied.result, "undone_by": job_id})
        return {"product_id": product_id, "undoes": applied_id, "moved": moved}

    return job_run(job_id=job_id, work=work)

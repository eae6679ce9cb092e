"""Reads of the jobs that apply a ranking to the backlog's manual order (and undo it)."""

from django.db.models import QuerySet
from django.db.models.fields.json import KT

from jobs.models import Job

APPLY_KIND = "prioritization.ranking_apply"
UNDO_KIND = "prioritization.ranking_undo"


def ranking_apply_latest(*, product) -> Job | None:
    """The product's latest application of a ranking or undo of one (the page shows it, with Undo)."""
    return (
        Job.objects.filter(product=product, kind__in=[APPLY_KIND, UNDO_KIND])
        .select_related("started_by")
        .defer("result")  # the previous order may hold every open item's id
        .annotate(moved=KT("result__moved"), undone_by=KT("result__undone_by"), undoes=KT("result__undoes"))
        .first()
    )


def ranking_apply_queryset(*, product) -> QuerySet[Job]:
    """The product's applications of a ranking (an undo picks one of them; any other id is a 404)."""
    return Job.objects.filter(product=product, kind=APPLY_KIND)

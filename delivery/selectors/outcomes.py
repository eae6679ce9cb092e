"""Reads of outcome reviews: lists, one review with its metrics before and after, and the summary the
product page and the executive dashboard show (shipped work with and without a review, and the share
of reviewed work that moved its metric)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from products.selectors import product_overview
from roadmap.models import InitiativeStatus, ReleaseStatus
from roadmap.selectors.initiatives import initiative_list_for_products
from roadmap.selectors.releases import releases_for_products

from ..models import OutcomeReview, ReviewStatus


def review_list(*, workspace, product=None) -> QuerySet[OutcomeReview]:
    qs = OutcomeReview.objects.filter(product__workspace=workspace).select_related(
        "product", "initiative", "release", "recorded_by"
    )
    return qs.filter(product=product) if product is not None else qs


def review_get(*, workspace, pk: int) -> OutcomeReview:
    return get_object_or_404(review_list(workspace=workspace), pk=pk)


def business_cases_of(*, review: OutcomeReview) -> list:
    """The product's business cases: what was expected, to set next to what happened."""
    return product_overview(product=review.product)["business_cases"]


@dataclass
class OutcomeSummary:
    shipped: int
    reviewed: int
    pending: int  # scheduled or due, not recorded yet
    moved: int
    judged: int  # recorded reviews with at least one metric to judge by

    @property
    def without_review(self) -> int:
        return self.shipped - self.reviewed

    @property
    def moved_percent(self) -> int | None:
        return round(100 * self.moved / self.judged) if self.judged else None


def outcome_summary(*, workspace, product=None) -> OutcomeSummary:
    """Four aggregate queries, whatever the size of the workspace."""
    product_ids = [product.pk] if product is not None else list(workspace.products.values_list("pk", flat=True))
    shipped = (
        initiative_list_for_products(product_ids=product_ids).filter(status=InitiativeStatus.SHIPPED).count()
        + releases_for_products(product_ids=product_ids).filter(status=ReleaseStatus.RELEASED).count()
    )
    figures = OutcomeReview.objects.filter(product_id__in=product_ids).aggregate(
        reviewed_initiatives=Count("initiative", distinct=True, filter=Q(status=ReviewStatus.RECORDED)),
        reviewed_releases=Count("release", distinct=True, filter=Q(status=ReviewStatus.RECORDED)),
        pending=Count("id", filter=~Q(status=ReviewStatus.RECORDED)),
        moved=Count("id", filter=Q(status=ReviewStatus.RECORDED, metric_moved=True)),
        judged=Count("id", filter=Q(status=ReviewStatus.RECORDED, metric_moved__isnull=False)),
    )
    reviewed = min(figures["reviewed_initiatives"] + figures["reviewed_releases"], shipped)
    return OutcomeSummary(shipped, reviewed, figures["pending"], figures["moved"], figures["judged"])

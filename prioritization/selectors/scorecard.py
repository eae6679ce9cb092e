"""A product's custom-scorecard criteria."""

from django.db.models import QuerySet

from .. import scoring
from ..models import Framework, ScorecardCriterion


def criteria_for(*, product_id: int) -> list[scoring.Criterion]:
    return [
        scoring.Criterion(c["id"], c["name"], c["weight"])
        for c in ScorecardCriterion.objects.filter(product_id=product_id).values("id", "name", "weight")
    ]


def criteria_for_framework(*, product, framework: str) -> list[scoring.Criterion]:
    """The criteria a framework's scores need: the scorecard's for the custom framework, none otherwise."""
    return criteria_for(product_id=product.pk) if framework == Framework.CUSTOM else []


def criteria_list(*, product) -> QuerySet[ScorecardCriterion]:
    return ScorecardCriterion.objects.filter(product=product).select_related("field")

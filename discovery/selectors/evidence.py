"""Evidence behind items and initiatives: counts, customers, combined weight, strongest quotes, impact."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest

from ..models import DiscoverySettings, IdeaVote, Importance, Insight, WeightBasis
from ..weights import REVENUE_UNIT, importance_weights

DEC = DecimalField(max_digits=24, decimal_places=6)


def settings_for(*, workspace_id: int) -> DiscoverySettings:
    """The workspace's discovery settings (defaults, unsaved, when it has none yet)."""
    found = DiscoverySettings.objects.filter(workspace_id=workspace_id).first()
    return found or DiscoverySettings(workspace_id=workspace_id)


def customer_weight_sql(basis: str, customer: str):
    """The SQL twin of weights.customer_weight for the customer reached by the lookup `customer`."""
    if basis == WeightBasis.SEATS:
        return Cast(Greatest(Coalesce(F(f"{customer}__seats"), 1), 1), DEC)
    if basis == WeightBasis.REVENUE:
        revenue = Coalesce(F(f"{customer}__revenue"), Value(Decimal(0)), output_field=DEC)
        return Greatest(
            ExpressionWrapper(revenue / Value(REVENUE_UNIT), output_field=DEC), Value(Decimal(1)), output_field=DEC
        )
    return Value(Decimal(1), output_field=DEC)


def importance_weight_sql(settings: DiscoverySettings):
    weights = importance_weights(settings)
    return Case(
        *(When(importance=k, then=Value(v)) for k, v in weights.items()), default=Value(Decimal(0)), output_field=DEC
    )


def _insight_sums(qs: QuerySet, key: str, settings) -> dict[int, tuple[Decimal, int]]:
    weight = ExpressionWrapper(
        importance_weight_sql(settings) * customer_weight_sql(settings.weight_basis, "note__customer"), output_field=DEC
    )
    rows = qs.order_by().values(key).annotate(impact=Sum(weight), n=Count("id"))
    return {r[key]: (r["impact"] or Decimal(0), r["n"]) for r in rows}


def _vote_sums(qs: QuerySet, key: str, settings) -> dict[int, tuple[Decimal, int]]:
    weight = ExpressionWrapper(
        Value(settings.vote_weight, output_field=DEC) * customer_weight_sql(settings.weight_basis, "customer"),
        output_field=DEC,
    )
    rows = qs.order_by().values(key).annotate(impact=Sum(weight), n=Count("id"))
    return {r[key]: (r["impact"] or Decimal(0), r["n"]) for r in rows}


def _merge(ids, *parts) -> dict[int, tuple[Decimal, int]]:
    figures = {pk: (Decimal(0), 0) for pk in ids}
    for part in parts:
        for pk, (impact, n) in part.items():
            old = figures.get(pk, (Decimal(0), 0))
            figures[pk] = (old[0] + impact, old[1] + n)
    return {pk: (impact.quantize(Decimal("0.01")), n) for pk, (impact, n) in figures.items()}


def item_impact_figures(*, item_ids, settings: DiscoverySettings) -> dict[int, tuple[Decimal, int]]:
    """(customer impact, evidence count) of each item: its insights, and the votes of ideas promoted to it."""
    ids = list(item_ids)
    insights = _insight_sums(Insight.objects.filter(item_id__in=ids), "item_id", settings)
    votes = _vote_sums(IdeaVote.objects.filter(idea__promoted_item_id__in=ids), "idea__promoted_item_id", settings)
    return _merge(ids, insights, votes)


def initiative_impact_figures(*, initiative_ids, settings: DiscoverySettings) -> dict[int, tuple[Decimal, int]]:
    ids = list(initiative_ids)
    insights = _insight_sums(Insight.objects.filter(initiative_id__in=ids), "initiative_id", settings)
    votes = _vote_sums(
        IdeaVote.objects.filter(idea__promoted_initiative_id__in=ids), "idea__promoted_initiative_id", settings
    )
    return _merge(ids, insights, votes)


IMPORTANCE_ORDER = Case(
    When(importance=Importance.CRITICAL, then=Value(3)),
    When(importance=Importance.IMPORTANT, then=Value(2)),
    default=Value(1),
)


def evidence_of(*, target: str, target_id: int, workspace_id: int, quotes: int = 5) -> dict:
    """What an item's or initiative's page shows: evidence count, customers and their weight, strongest quotes."""
    settings = settings_for(workspace_id=workspace_id)
    insights = Insight.objects.filter(**{f"{target}_id": target_id}).select_related("note__customer")
    votes = IdeaVote.objects.filter(**{f"idea__promoted_{target}_id": target_id}).select_related("customer")
    customers: dict[int, dict] = {}
    by_importance: dict[str, int] = defaultdict(int)
    for insight in insights:
        by_importance[insight.importance] += 1
        customer = insight.note.customer
        if customer is not None:
            customers.setdefault(customer.pk, {"customer": customer, "mentions": 0})["mentions"] += 1
    vote_count = 0
    for vote in votes:
        vote_count += 1
        if vote.customer is not None:
            customers.setdefault(vote.customer.pk, {"customer": vote.customer, "mentions": 0})["mentions"] += 1
    figures = (item_impact_figures if target == "item" else initiative_impact_figures)(
        **{f"{target}_ids": [target_id]}, settings=settings
    )[target_id]
    strongest = list(
        Insight.objects.filter(**{f"{target}_id": target_id})
        .select_related("note__customer")
        .annotate(strength=IMPORTANCE_ORDER)
        .order_by("-strength", "-created_at")[:quotes]
    )
    people = sorted(customers.values(), key=lambda c: (-c["mentions"], c["customer"].name))
    return {
        "insight_count": sum(by_importance.values()),
        "vote_count": vote_count,
        "impact": figures[0],
        "customers": people,
        "revenue": sum((c["customer"].revenue or 0) for c in people),
        "seats": sum((c["customer"].seats or 0) for c in people),
        "quotes": strongest,
        "by_importance": dict(by_importance),
        "settings": settings,
    }

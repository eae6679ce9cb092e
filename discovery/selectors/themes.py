"""Reads of themes and of the feedback figures the dashboards show."""

from datetime import date, timedelta

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncWeek

from backlog.models import BacklogItem
from core.figures import cached_figure
from roadmap.models import Initiative

from ..models import FeedbackNote, FeedbackTheme


def themes_of(*, product, start: date, end: date) -> QuerySet[FeedbackTheme]:
    """The last computed themes of the period, each with its first notes."""
    notes = FeedbackNote.objects.defer("embedding").select_related("customer").order_by("-created_at")
    return FeedbackTheme.objects.filter(product=product, period_start=start, period_end=end).prefetch_related(
        Prefetch("notes", queryset=notes)
    )


def latest_themes(*, product_ids, limit: int = 5) -> list[FeedbackTheme]:
    """The biggest themes of each product's most recent computation."""
    latest = (
        FeedbackTheme.objects.filter(product_id__in=product_ids).order_by("-computed_at").values("computed_at").first()
    )
    if latest is None:
        return []
    recent = latest["computed_at"] - timedelta(days=1)
    return list(
        FeedbackTheme.objects.filter(product_id__in=product_ids, computed_at__gte=recent)
        .select_related("product")
        .order_by("-size")[:limit]
    )


def feedback_over_time(*, product_ids, weeks: int = 12, today: date) -> list[dict]:
    """Notes per week with their average sentiment and the share of negative ones."""
    since = today - timedelta(weeks=weeks)
    rows = (
        FeedbackNote.objects.filter(product_id__in=product_ids, created_at__date__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values("week")
        .annotate(
            notes=Count("id"),
            sentiment=Avg("sentiment_score"),
            negative=Count("id", filter=Q(sentiment_label="negative")),
        )
        .order_by("week")
    )
    return [
        {
            "week": r["week"].date(),
            "notes": r["notes"],
            "sentiment": r["sentiment"],
            "negative_share": r["negative"] / r["notes"] if r["notes"] else 0,
        }
        for r in rows
    ]


def evidence_backed_share_of(*, workspace_id: int, product_ids) -> dict:
    """`evidence_backed_share` of some products (their items, their initiatives not dropped), summed
    once per version of the workspace's figures (core.figures: every write, evidence linked included,
    bumps it)."""
    product_ids = sorted(product_ids)
    return cached_figure(
        workspace_id=workspace_id,
        name="discovery.evidence_share",
        parts=tuple(product_ids),
        compute=lambda: evidence_backed_share(
            items=BacklogItem.objects.filter(product_id__in=product_ids),
            initiatives=Initiative.objects.filter(product_id__in=product_ids).exclude(status="dropped"),
        ),
    )


def evidence_backed_share(*, items: QuerySet, initiatives: QuerySet) -> dict:
    """The share of roadmap effort backed by customer evidence.

    Roadmap effort: the story points of open items that serve an initiative (1 for an unsized item).
    Backed: the item, or its initiative, has at least one piece of evidence.
    """
    planned = items.filter(initiative__isnull=False).exclude(status__in=["done", "accepted", "rejected"])
    points = Coalesce("story_points", 1)
    backed = Q(evidence_count__gt=0) | Q(initiative__evidence_count__gt=0)
    figures = planned.aggregate(total=Sum(points, default=0), backed=Sum(points, filter=backed, default=0))
    total_initiatives = initiatives.count()
    backed_initiatives = initiatives.filter(evidence_count__gt=0).count()
    return {
        "initiatives": total_initiatives,
        "initiatives_backed": backed_initiatives,
        "initiative_percent": round(100 * backed_initiatives / total_initiatives) if total_initiatives else None,
        "points": figures["total"],
        "points_backed": figures["backed"],
        "points_percent": round(100 * figures["backed"] / figures["total"]) if figures["total"] else None,
    }

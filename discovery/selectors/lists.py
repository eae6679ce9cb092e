"""Reads of customers, notes, insights and ideas, scoped to what the caller may see."""

from django.db.models import Count, Q, QuerySet

from core.counts import related_count

from ..models import Customer, FeedbackNote, Idea, IdeaStatus, Insight, NoteState


def customers_with_counts(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    return queryset.annotate(note_count=related_count(FeedbackNote, "customer"))


def notes_with_counts(queryset: QuerySet[FeedbackNote]) -> QuerySet[FeedbackNote]:
    return queryset.annotate(insight_count=related_count(Insight, "note"))


def ideas_with_counts(queryset: QuerySet[Idea]) -> QuerySet[Idea]:
    return queryset.annotate(insight_count=related_count(Insight, "idea"))


def customer_list(*, workspace) -> QuerySet[Customer]:
    return customers_with_counts(Customer.objects.filter(workspace=workspace)).order_by("name", "id")


def note_list(*, product) -> QuerySet[FeedbackNote]:
    return notes_with_counts(
        FeedbackNote.objects.filter(product=product).select_related("customer", "captured_by", "processed_by")
    ).defer("embedding")


def note_detail(*, product, pk: int) -> FeedbackNote:
    return note_list(product=product).get(pk=pk)


def idea_list(*, product) -> QuerySet[Idea]:
    return ideas_with_counts(Idea.objects.filter(product=product).select_related("proposer")).defer("embedding")


def insights_of_note(*, note) -> QuerySet[Insight]:
    return note.insights.select_related("item__product", "initiative", "idea").order_by("created_at", "id")


def unprocessed_counts(*, workspace) -> dict[int, int]:
    """New notes per product of the workspace (the triage badge)."""
    rows = (
        FeedbackNote.objects.filter(product__workspace=workspace, state=NoteState.NEW)
        .order_by()
        .values("product_id")
        .annotate(n=Count("id"))
    )
    return {r["product_id"]: r["n"] for r in rows}


def moderation_count(*, product) -> int:
    return Idea.objects.filter(product=product, status=IdeaStatus.PENDING).count()


def search_targets(*, product, query: str, limit: int = 8) -> dict:
    """Items, initiatives and ideas of the product whose title matches `query` (search-as-you-type)."""
    from_backlog = product.items.filter(Q(title__icontains=query) | Q(number__iexact=_number(query)))
    return {
        "items": list(from_backlog.order_by("rank").values("id", "number", "title")[:limit]),
        "initiatives": list(product.initiatives.filter(title__icontains=query).values("id", "title")[:limit]),
        "ideas": list(
            Idea.objects.filter(product=product, title__icontains=query)
            .exclude(status__in=[IdeaStatus.SPAM, IdeaStatus.PROMOTED])
            .values("id", "title")[:limit]
        ),
    }


def _number(query: str) -> str:
    tail = query.rpartition("-")[2].strip()
    return tail if tail.isdigit() else "-1"

"""Themes: the notes of a product over a period, clustered and labelled by their characteristic terms."""

from datetime import date, timedelta

import numpy as np
from django.db import transaction

from core import outbox

from ..models import FeedbackNote, FeedbackTheme
from .analysis import ANALYSIS_MISSING, EmbeddingsUnavailable, cluster_texts, embed_texts, vector_from_bytes

THEMES_TASK = "discovery.tasks.themes_compute"
THEME_NOTES_MAX = 20_000


def themes_enqueue(*, product_id: int, start: date, end: date) -> None:
    outbox.enqueue(THEMES_TASK, product_id=product_id, start=start.isoformat(), end=end.isoformat())


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=90), today


@transaction.atomic
def themes_compute(*, product_id: int, start: date, end: date) -> tuple[bool, str]:
    """Replace the product's themes of [start, end] with fresh clusters; (done, reason when not)."""
    if ANALYSIS_MISSING:
        return False, ANALYSIS_MISSING
    notes = list(
        FeedbackNote.objects.filter(product_id=product_id, created_at__date__gte=start, created_at__date__lte=end)
        .exclude(state="archived")
        .only("id", "title", "text", "embedding", "sentiment_score", "created_at")
        .order_by("id")[:THEME_NOTES_MAX]
    )
    FeedbackTheme.objects.filter(product_id=product_id, period_start=start, period_end=end).delete()
    if len(notes) < 2:
        return True, ""
    texts = [f"{n.title}\n{n.text}".strip() for n in notes]
    missing = [i for i, n in enumerate(notes) if not n.embedding]
    matrix, reason = None, ""  # without embeddings, clusters come from the notes' words (TF-IDF)
    try:
        vectors = {i: vector_from_bytes(bytes(n.embedding)) for i, n in enumerate(notes) if n.embedding}
        if missing:
            for i, vector in zip(missing, embed_texts([texts[i] for i in missing]), strict=True):
                vectors[i] = vector
        matrix = stack_vectors_from(vectors, len(notes))
    except EmbeddingsUnavailable as error:
        reason = f"Themes from words only: {error}"
    middle = start + (end - start) / 2
    for cluster in cluster_texts(matrix, texts):
        members = [notes[i] for i in cluster.members]
        if not members:
            continue
        scores = [n.sentiment_score for n in members if n.sentiment_score is not None]
        late = sum(1 for n in members if n.created_at.date() > middle)
        theme = FeedbackTheme.objects.create(
            product_id=product_id,
            period_start=start,
            period_end=end,
            label=", ".join(cluster.terms[:5])[:200] or "(no label)",
            size=len(members),
            sentiment=sum(scores) / len(scores) if scores else None,
            trend=round(late / len(members) - 0.5, 3),
        )
        theme.notes.set(members)
    return True, reason


def stack_vectors_from(vectors: dict, n: int) -> np.ndarray:
    return np.vstack([vectors[i] for i in range(n)]).astype(np.float32, copy=False)

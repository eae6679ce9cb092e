"""Offline analysis of notes: sentiment and embeddings per note, suggestions on triage, themes per period.

The models live in discovery.analysis (no network, no PyTorch). When they are missing or cannot load,
every function here degrades: sentiment and embeddings stay empty, suggestions and themes say why.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from backlog.models import BacklogItem

from ..models import EmbeddingKind, FeedbackNote, Idea, IdeaStatus, WorkEmbedding

try:
    from ..analysis import (
        NOTE_MATCH_SIMILARITY,
        EmbeddingsUnavailable,
        cluster_texts,
        embed_texts,
        embeddings_status,
        note_sentiment,
        top_k,
        vector_from_bytes,
        vector_to_bytes,
    )

    ANALYSIS_MISSING = ""
except ImportError as error:  # an installation without the analysis package: analysis is off, with the reason
    ANALYSIS_MISSING = f"The analysis package is not installed ({error})."

    class EmbeddingsUnavailable(Exception):  # noqa: N818 - the name of the interface's exception
        pass

    cluster_texts = embed_texts = note_sentiment = top_k = vector_from_bytes = vector_to_bytes = None
    NOTE_MATCH_SIMILARITY = 1.0

    def embeddings_status() -> tuple[bool, str]:
        return False, ANALYSIS_MISSING


SUGGESTIONS = 3
# Cosine from which a note most likely asks for an existing item (calibrated by the analysis library on its
# labelled set): the item is flagged as a likely duplicate of the request.
DUPLICATE_SCORE = NOTE_MATCH_SIMILARITY
EMBED_BATCH = 64


def analysis_status() -> tuple[bool, str]:
    """Whether embeddings (suggestions, themes) are available here, and if not, why."""
    if ANALYSIS_MISSING:
        return False, ANALYSIS_MISSING
    return embeddings_status()


def _note_text(note) -> str:
    return f"{note.title}\n{note.text}".strip()


def notes_analyse(*, note_ids: list[int]) -> int:
    """Store the sentiment and embedding of these notes (idempotent: recomputed from the text)."""
    notes = list(FeedbackNote.objects.filter(pk__in=note_ids).only("id", "title", "text"))
    if not notes or ANALYSIS_MISSING:
        return 0
    for note in notes:
        note.sentiment_score, note.sentiment_label = note_sentiment(_note_text(note))
        note.analysed_at = timezone.now()
    available, _ = embeddings_status()
    if available:
        try:
            vectors = embed_texts([_note_text(n) for n in notes])
            for note, vector in zip(notes, vectors, strict=True):
                note.embedding = vector_to_bytes(vector)
        except EmbeddingsUnavailable:
            pass
    fields = ["sentiment_score", "sentiment_label", "analysed_at", "embedding"]
    FeedbackNote.objects.bulk_update(notes, fields, batch_size=500)
    return len(notes)


# ---- suggestions --------------------------------------------------------------------------------


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _work_texts(product_id: int) -> dict[tuple[str, int], str]:
    items = BacklogItem.objects.filter(product_id=product_id).values_list("id", "title", "description")
    ideas = Idea.objects.filter(product_id=product_id, status__in=[IdeaStatus.OPEN, IdeaStatus.PENDING]).values_list(
        "id", "title", "problem"
    )
    texts = {(EmbeddingKind.ITEM, pk): f"{title}\n{body[:1000]}".strip() for pk, title, body in items}
    texts |= {(EmbeddingKind.IDEA, pk): f"{title}\n{body[:1000]}".strip() for pk, title, body in ideas}
    return texts


@transaction.atomic
def work_embeddings_refresh(*, product_id: int) -> dict[tuple[str, int], bytes]:
    """The cached embeddings of the product's items and open ideas, embedding the new or changed ones."""
    texts = _work_texts(product_id)
    cached = {
        (e.kind, e.object_id): e
        for e in WorkEmbedding.objects.filter(product_id=product_id).only(
            "id", "kind", "object_id", "text_hash", "vector"
        )
    }
    stale = [key for key, text in texts.items() if key not in cached or cached[key].text_hash != _hash(text)]
    for start in range(0, len(stale), EMBED_BATCH):
        batch = stale[start : start + EMBED_BATCH]
        vectors = embed_texts([texts[key] for key in batch])
        for key, vector in zip(batch, vectors, strict=True):
            WorkEmbedding.objects.update_or_create(
                kind=key[0],
                object_id=key[1],
                defaults={"product_id": product_id, "text_hash": _hash(texts[key]), "vector": vector_to_bytes(vector)},
            )
            cached[key] = WorkEmbedding(vector=vector_to_bytes(vector))
    gone = [e.pk for key, e in cached.items() if key not in texts and e.pk]
    WorkEmbedding.objects.filter(pk__in=gone).delete()
    return {key: bytes(cached[key].vector) for key in texts}


@dataclass
class Suggestion:
    kind: str
    obj: object
    score: float
    duplicate: bool


@dataclass
class Suggestions:
    available: bool
    reason: str
    items: list[Suggestion]
    ideas: list[Suggestion]


def note_suggestions(*, note: FeedbackNote) -> Suggestions:
    """The 3 items and 3 ideas most similar to the note; items close enough are flagged as likely duplicates."""
    available, reason = analysis_status()
    if not available:
        return Suggestions(False, reason, [], [])
    try:
        vectors = work_embeddings_refresh(product_id=note.product_id)
        query = vector_from_bytes(note.embedding) if note.embedding else embed_texts([_note_text(note)])[0]
    except EmbeddingsUnavailable as error:
        return Suggestions(False, str(error) or "The embedding model is unavailable.", [], [])
    result = Suggestions(True, "", [], [])
    for kind, model, into in (
        (EmbeddingKind.ITEM, BacklogItem, result.items),
        (EmbeddingKind.IDEA, Idea, result.ideas),
    ):
        keys = [key for key in vectors if key[0] == kind]
        if not keys:
            continue
        matrix = stack_vectors([vectors[key] for key in keys])
        best = top_k(query, matrix, [key[1] for key in keys], SUGGESTIONS)
        objects = model.objects.in_bulk([pk for pk, _ in best])
        for pk, score in best:
            if pk in objects:
                into.append(
                    Suggestion(kind, objects[pk], float(score), kind == EmbeddingKind.ITEM and score >= DUPLICATE_SCORE)
                )
    return result


def stack_vectors(blobs: list[bytes]) -> np.ndarray:
    return np.vstack([vector_from_bytes(b) for b in blobs]).astype(np.float32, copy=False)

"""Offline analysis of customer feedback: sentiment, sentence embeddings, nearest items, themes.

Pure Python + numpy (with vaderSentiment, onnxruntime and tokenizers); no Django, no network.
"""

from .embeddings import (
    EMBEDDING_DIM,
    MODEL_ID,
    EmbeddingsUnavailable,
    embed_texts,
    embeddings_status,
    normalize_rows,
    reset_embeddings,
)
from .sentiment import LABELS as SENTIMENT_LABELS
from .sentiment import note_sentiment, sentiment_label
from .terms import tfidf_vectors
from .themes import Cluster, cluster_texts
from .vectors import (
    DUPLICATE_SIMILARITY,
    NOTE_MATCH_SIMILARITY,
    likely_duplicates,
    stack_vectors,
    top_k,
    vector_from_bytes,
    vector_to_bytes,
)

__all__ = [
    "DUPLICATE_SIMILARITY",
    "EMBEDDING_DIM",
    "MODEL_ID",
    "NOTE_MATCH_SIMILARITY",
    "SENTIMENT_LABELS",
    "Cluster",
    "EmbeddingsUnavailable",
    "cluster_texts",
    "embed_texts",
    "embeddings_status",
    "likely_duplicates",
    "normalize_rows",
    "note_sentiment",
    "reset_embeddings",
    "sentiment_label",
    "stack_vectors",
    "tfidf_vectors",
    "top_k",
    "vector_from_bytes",
    "vector_to_bytes",
]

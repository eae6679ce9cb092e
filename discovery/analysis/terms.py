"""Words of notes: tokenising, class-based TF-IDF labels of clusters, plain TF-IDF vectors."""

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .stopwords import STOP_WORDS

MAX_SHARE = 0.08
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['-][^\W_]+)*")  # letters of any language, then letters or digits


def words(text: str, stop_words: frozenset[str] = frozenset()) -> list[str]:
    """Lower-case words of 3+ characters that are not stop words (nor in ``stop_words``), in text order."""
    found = _WORD.findall((text or "").lower().replace("’", "'"))
    return [w for w in found if len(w) >= 3 and w not in STOP_WORDS and w not in stop_words and not w.endswith("'s")]


def _singular_map(vocabulary: Counter) -> dict[str, str]:
    """Plural → singular where both forms occur ("exports" → "export"), so that they count as one term."""
    mapping = {}
    for word in vocabulary:
        if word.endswith("ies") and word[:-3] + "y" in vocabulary:
            mapping[word] = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and word[:-1] in vocabulary:
            mapping[word] = word[:-1]
    return mapping


def document_terms(texts: Sequence[str], stop_words: Iterable[str] = ()) -> list[set[str]]:
    """The set of (singularised) terms of each text; ``stop_words`` adds words to leave out (lower case)."""
    extra = frozenset(w.lower() for w in stop_words)
    tokenised = [words(t, extra) for t in texts]
    vocabulary = Counter(w for ws in tokenised for w in ws)
    mapping = _singular_map(vocabulary)
    return [{mapping.get(w, w) for w in ws} for ws in tokenised]


def class_terms(doc_terms: Sequence[set[str]], groups: Sequence[Sequence[int]], top: int = 5) -> list[list[str]]:
    """c-TF-IDF: the ``top`` terms that characterise each group of documents against the others.

    A term's weight in a group is the share of the group's term occurrences it makes up (each document
    counts a term once, so one long note cannot carry a theme) times log(1 + A / f), where A is the mean
    number of term occurrences per group and f the term's occurrences in all groups. Ties by term.
    """
    n_docs = sum(len(g) for g in groups)
    df = Counter(t for group in groups for i in group for t in doc_terms[i])
    # Words in a big share of all notes ("task", the product's name) label no theme (when there are many).
    common = {t for t, n in df.items() if n > MAX_SHARE * n_docs} if n_docs >= 20 and len(groups) > 1 else set()
    counts = [Counter(t for i in group for t in doc_terms[i] if t not in common) for group in groups]
    totals = Counter()
    for c in counts:
        totals.update(c)
    sizes = [sum(c.values()) for c in counts]
    mean_size = (sum(sizes) / len(sizes)) if sizes else 0.0
    labels = []
    for c, size in zip(counts, sizes, strict=True):
        if not size:
            labels.append([])
            continue
        # A term seen in a single document of a bigger group says little about the group.
        floor = 2 if len(c) and max(c.values()) >= 2 else 1
        scored = [(-(n / size) * math.log(1 + mean_size / totals[t]), t) for t, n in c.items() if n >= floor]
        labels.append([t for _, t in sorted(scored)[:top]])
    return labels


def tfidf_vectors(texts: Sequence[str], max_terms: int = 4096) -> np.ndarray:
    """L2-normalised TF-IDF rows over the ``max_terms`` most frequent terms (a fallback without a model)."""
    doc_terms = document_terms(texts)
    df = Counter(t for terms in doc_terms for t in terms)
    vocabulary = [t for t, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms]]
    index = {t: j for j, t in enumerate(vocabulary)}
    matrix = np.zeros((len(texts), max(1, len(vocabulary))), dtype=np.float32)
    n = len(texts)
    for i, terms in enumerate(doc_terms):
        for t in terms:
            j = index.get(t)
            if j is not None:
                matrix[i, j] = math.log((1 + n) / (1 + df[t])) + 1
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)

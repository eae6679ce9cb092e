"""Themes: notes grouped by meaning (spherical k-means on their embeddings), each labelled by its words.

Deterministic: a fixed seed, k-means++ seeding, ties broken by position. When ``k`` is not given:
- the mean silhouette of k = 2..max_k is computed on a fixed sample of at most 1,500 notes (so 10,000
  notes cost little more than 1,500); where some k shows real structure (silhouette >= STRUCTURE), the
  best such k wins;
- otherwise (the usual case for sentence embeddings of varied notes, whose silhouettes are flat around
  0.05 whatever k) the rule of thumb k = sqrt(n / 2) applies, within 1..max_k.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import ThreadpoolController

from .terms import class_terms, document_terms, tfidf_vectors

SEED = 20261201
SAMPLE = 1500
MAX_ITER = 40
N_INIT = 3
STRUCTURE = 0.12
TERMS_PER_THEME = 5


_blas = ThreadpoolController()


@dataclass(frozen=True)
class Cluster:
    """One theme: ``members`` are indexes into the input (ascending), ``terms`` its characteristic words."""

    members: list[int]
    terms: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)


def _normalise(vectors) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(len(matrix), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def _seed_centroids(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ on cosine distance."""
    n = x.shape[0]
    chosen = [int(rng.integers(n))]
    nearest = 1.0 - x @ x[chosen[0]]
    for _ in range(1, k):
        weights = np.clip(nearest.astype(np.float64), 0, None)  # float64: the probabilities must sum to 1
        total = weights.sum()
        pick = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        chosen.append(pick)
        nearest = np.minimum(nearest, 1.0 - x @ x[pick])
    return x[chosen].copy()


def _cluster_sums(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of each cluster (every cluster non-empty). A sorted reduceat, not a one-hot
    matrix product: multithreaded BLAS is 20x slower at that shape on a busy 2-core machine."""
    order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[order], np.arange(k))
    return np.add.reduceat(x[order], starts, axis=0)


def _kmeans_once(x: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    n, k = x.shape[0], centroids.shape[0]
    rows = np.arange(n)
    labels = None
    for _ in range(MAX_ITER):
        sims = x @ centroids.T
        new = sims.argmax(axis=1)
        if labels is not None and np.count_nonzero(new != labels) <= n // 1000:
            labels = new
            break
        labels = new
        for c in np.flatnonzero(np.bincount(labels, minlength=k) == 0):
            # An empty cluster takes the point farthest from its own centroid.
            worst = int(np.argmin(np.where(np.bincount(labels, minlength=k)[labels] > 1, sims[rows, labels], np.inf)))
            labels[worst] = c
        sums = _cluster_sums(x, labels, k)
        centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    sims = x @ centroids.T
    labels = sims.argmax(axis=1)
    inertia = float((1.0 - sims[rows, labels]).sum())
    return labels, centroids, inertia


def kmeans(x: np.ndarray, k: int, *, seed: int = SEED, n_init: int = N_INIT, init=None):
    """(labels, centroids) of the best of ``n_init`` seeded runs (least total cosine distance)."""
    rng = np.random.default_rng(seed)
    best = None
    starts = [init.copy()] if init is not None else [_seed_centroids(x, k, rng) for _ in range(n_init)]
    for start in starts:
        labels, centroids, inertia = _kmeans_once(x, start)
        if best is None or inertia < best[2] - 1e-9:
            best = (labels, centroids, inertia)
    return best[0], best[1]


def silhouette(distances: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Mean silhouette of a labelling, from a precomputed distance matrix (points alone in a cluster: 0)."""
    onehot = np.zeros((len(labels), k), dtype=np.float64)
    onehot[np.arange(len(labels)), labels] = 1.0
    counts = onehot.sum(axis=0)
    sums = distances @ onehot  # (n, k): total distance of each point to each cluster
    own = counts[labels]
    a = sums[np.arange(len(labels)), labels] / np.maximum(own - 1, 1)
    others = np.where(onehot > 0, np.inf, sums / np.maximum(counts, 1))
    others[:, counts == 0] = np.inf
    b = others.min(axis=1)
    valid = (own > 1) & np.isfinite(b)  # alone in its cluster, or no other cluster: 0
    b = np.where(valid, b, a)
    s = np.where(valid, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


def choose_k(x: np.ndarray, max_k: int, *, seed: int = SEED) -> tuple[int, np.ndarray | None]:
    """The number of themes for ``x`` (1..max_k), and the sample's centroids for it when it has them."""
    n = x.shape[0]
    if n < 3:
        return (2, None) if n == 2 and max_k >= 2 and float(x[0] @ x[1]) < 0.5 else (1, None)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, SAMPLE, replace=False)) if n > SAMPLE else np.arange(n)
    xs = x[sample]
    distances = np.clip(1.0 - (xs @ xs.T).astype(np.float64), 0, 2)
    best_k, best_score, centroids_of = 0, STRUCTURE, {}
    for k in range(2, min(max_k, len(sample) - 1) + 1):
        labels, centroids_of[k] = kmeans(xs, k, seed=seed)
        score = silhouette(distances, labels, k)
        if score >= best_score + 1e-9:
            best_k, best_score = k, score
    if not best_k:
        best_k = max(1, min(max_k, n, round(math.sqrt(n / 2))))
    return best_k, centroids_of.get(best_k)  # the sample's centroids start the run on all notes


def cluster_texts(
    vectors, texts: Sequence[str], *, k: int | None = None, max_k: int = 12, stop_words: Iterable[str] = ()
) -> list[Cluster]:
    """Themes of ``texts`` (with their embeddings ``vectors``, or None to use TF-IDF of the words).

    ``stop_words``: more words that must not label a theme (the product's and the company's names).

    Returns clusters biggest first (ties: the one with the earliest member); every input index is in
    exactly one cluster. Same input, same output.
    """
    n = len(texts)
    if vectors is None:
        vectors = tfidf_vectors(texts) if n else np.zeros((0, 1), dtype=np.float32)
    x = _normalise(vectors) if n else np.zeros((0, 1), dtype=np.float32)
    if x.shape[0] != n:
        raise ValueError(f"{x.shape[0]} vectors for {n} texts")
    if n == 0:
        return []
    # One BLAS thread: these skinny products run 3x slower (and burn 2.5x the CPU) with OpenBLAS's
    # threads on a busy 2-core machine, and the workers already use the cores side by side.
    with _blas.limit(limits=1, user_api="blas"):
        init = None
        if k is None:
            k, init = choose_k(x, max(1, max_k))
        k = max(1, min(int(k), n))
        if k == 1:
            labels = np.zeros(n, dtype=np.int64)
        else:
            labels, _ = kmeans(x, k, init=init)
    groups = [sorted(np.flatnonzero(labels == c).tolist()) for c in range(k)]
    groups = sorted((g for g in groups if g), key=lambda g: (-len(g), g[0]))
    labels_terms = class_terms(document_terms(texts, stop_words), groups, top=TERMS_PER_THEME)
    return [Cluster(members=g, terms=t) for g, t in zip(groups, labels_terms, strict=True)]

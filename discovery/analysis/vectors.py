"""Storing vectors and finding the nearest ones.

Vectors are stored as raw little-endian float32 bytes (384 × 4 = 1,536 bytes a row). Similarity is
the cosine, which for rows of length 1 (what :func:`embed_texts` returns) is the dot product.
"""

from collections.abc import Sequence

import numpy as np

_DTYPE = np.dtype("<f4")


def vector_to_bytes(vec) -> bytes:
    """One vector as little-endian float32 bytes."""
    return np.asarray(vec, dtype=_DTYPE).reshape(-1).tobytes()


def vector_from_bytes(data: bytes | memoryview | bytearray) -> np.ndarray:
    """The float32 vector stored by :func:`vector_to_bytes` (a writable copy)."""
    raw = bytes(data)
    if len(raw) % _DTYPE.itemsize:
        raise ValueError(f"{len(raw)} bytes is not a whole number of float32 values")
    return np.frombuffer(raw, dtype=_DTYPE).astype(np.float32)


def stack_vectors(rows: Sequence) -> np.ndarray:
    """A (n, d) float32 matrix from vectors or stored bytes (an empty input gives a (0, 0) matrix)."""
    stored = (bytes, bytearray, memoryview)
    if rows and all(isinstance(r, stored) for r in rows) and len({memoryview(r).nbytes for r in rows}) == 1:
        size = memoryview(rows[0]).nbytes  # one pass over equal-sized stored rows (what the database gives)
        if size % _DTYPE.itemsize:
            raise ValueError(f"{size} bytes is not a whole number of float32 values")
        flat = np.frombuffer(b"".join(rows), dtype=_DTYPE).astype(np.float32)
        return flat.reshape(len(rows), -1)
    vectors = [vector_from_bytes(r) if isinstance(r, stored) else r for r in rows]
    if not vectors:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([np.asarray(v, dtype=np.float32).reshape(1, -1) for v in vectors])


def top_k(query_vec, matrix, ids: Sequence, k: int = 3) -> list[tuple[object, float]]:
    """The ``k`` rows of ``matrix`` most similar to ``query_vec``: [(id, score)], best first.

    Scores are dot products (the cosine for normalised vectors). Equal scores keep the order of
    ``ids`` (stable). Uses a partial selection (argpartition), not a full sort: O(n) for n rows.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    n = 0 if matrix.size == 0 else matrix.shape[0]
    if n != len(ids):
        if n == 0 and len(ids) == 0:
            return []
        raise ValueError(f"matrix has {n} rows but {len(ids)} ids were given")
    if k <= 0 or n == 0:
        return []
    query = np.asarray(query_vec, dtype=np.float32).reshape(-1)
    if matrix.ndim != 2 or matrix.shape[1] != query.shape[0]:
        raise ValueError(f"query has {query.shape[0]} dimensions, matrix rows have {matrix.shape[-1]}")
    scores = matrix @ query
    scores = np.where(np.isnan(scores), -np.inf, scores)
    if k < n:
        kth = np.argpartition(-scores, k - 1)[:k]
        threshold = scores[kth].min()
        candidates = np.flatnonzero(scores >= threshold)  # every row tied with the k-th as well
    else:
        candidates = np.arange(n)
    order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
    return [(ids[i], float(scores[i])) for i in order]


# Cosine at which two backlog items are flagged as likely duplicates. Calibrated on the labelled set
# (tests/discovery/analysis/data): 20 items filed again in other words scored 0.64–0.94 against their
# originals, while no two distinct items of the 47 scored above 0.56.
DUPLICATE_SIMILARITY = 0.6

# Cosine from which a customer note is very likely about an item (the note "duplicates" it). A note is
# a paraphrase, not a second copy, so this sits lower: on the labelled set, no note came within 0.49 of
# a wrong item, while 40 % of notes reached 0.55 with their own item (median 0.53, at most 0.83).
NOTE_MATCH_SIMILARITY = 0.55


def likely_duplicates(
    query_vec, matrix, ids: Sequence, *, threshold: float = DUPLICATE_SIMILARITY, k: int = 5, exclude=None
) -> list[tuple[object, float]]:
    """Up to ``k`` rows at least ``threshold`` similar to ``query_vec``, best first, leaving out id ``exclude``
    (the item itself when it is in ``matrix``)."""
    found = top_k(query_vec, matrix, ids, k=k + (exclude is not None))
    return [(i, s) for i, s in found if s >= threshold and (exclude is None or i != exclude)][:k]

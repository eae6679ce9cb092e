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
    if rows and all(isinstance(r, bytes) for r in rows) and len({len(r) for r in rows}) == 1:
        if len(rows[0]) % _DTYPE.itemsize:
            raise ValueError(f"{len(rows[0])} bytes is not a whole number of float32 values")
        flat = np.frombuffer(b"".join(rows), dtype=_DTYPE).astype(np.float32)
        return flat.reshape(len(rows), -1)
    vectors = [vector_from_bytes(r) if isinstance(r, bytes | bytearray | memoryview) else r for r in rows]
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

"""Offline analysis of customer feedback (discovery.analysis): embeddings, suggestions, themes.

Each figure next to a baseline measured in the same run:
1. Embedding throughput (notes/s) of all-MiniLM-L6-v2 int8 on onnxruntime, on 400 real texts (the
   labelled notes and items of tests/discovery/analysis/data, plus two-paragraph notes made by joining
   two of them), batched as the library batches them; also one note alone (what a triage waits for).
   Baseline: tokenising the same texts only (the Rust WordPiece tokenizer), i.e. what is not the model.
2. Suggestion latency: one note against 100,000 stored item vectors (384 float32 each, synthetic, unit
   length), `top_k(k=3)` (argpartition) next to the brute-force numpy dot product + full argsort.
   Also the cost of decoding 100,000 stored byte rows into a matrix (what a cache saves).
3. Themes of 10,000 notes: `cluster_texts` (choosing k, k-means, c-TF-IDF labels) on synthetic
   embeddings (real note embeddings plus noise, so that themes exist) with the real texts, next to a
   single k-means run at the same k on the same vectors (no choice of k, no labels).

No database, no broker. Run: `python -m bench discovery_analysis` (or `make bench`).
"""

import os
import resource
import statistics
import time

import numpy as np

ITEMS = 100_000
NOTES_FOR_THEMES = 10_000
REPEATS = 15


def _real_texts() -> list[str]:
    from tests.discovery.analysis.data.items import ITEMS as LABELLED_ITEMS
    from tests.discovery.analysis.data.notes import NOTES

    notes = [text for _, _, text in NOTES]
    items = [f"{title}. {description}" for _, _, title, description in LABELLED_ITEMS]
    joined = [
        f"{notes[i % len(notes)]}\n\n{notes[(i * 7 + 3) % len(notes)]}" for i in range(400 - len(notes) - len(items))
    ]
    return notes + items + joined


def _median_ms(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _embedding_figures(texts: list[str]) -> np.ndarray:
    from discovery.analysis import embed_texts, embeddings_status
    from discovery.analysis.embeddings import _get_model

    started = time.perf_counter()
    available, reason = embeddings_status()
    print(f"model load: {time.perf_counter() - started:.2f} s ({reason})")
    if not available:
        return None
    tokenizer = _get_model().tokenizer
    tokens = [sum(e.attention_mask) for e in tokenizer.encode_batch(texts)]
    print(f"texts: {len(texts)}, word pieces a text: mean {statistics.mean(tokens):.0f}, max {max(tokens)}")
    started = time.perf_counter()
    tokenizer.encode_batch(texts)
    tokenise_s = time.perf_counter() - started
    started = time.perf_counter()
    vectors = embed_texts(texts)
    embed_s = time.perf_counter() - started
    one_ms = _median_ms(lambda: embed_texts([texts[0]]), repeats=7)
    print(
        f"embedding throughput: {len(texts) / embed_s:,.0f} notes/s "
        f"(baseline, tokenising only: {len(texts) / tokenise_s:,.0f} notes/s)"
    )
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    embed_texts(texts)
    cpu_s = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu.ru_utime
    threads = os.environ.get("PMHUB_EMBEDDING_THREADS", "1")
    print(f"  CPU time of it: {cpu_s:.1f} s, {len(texts) / cpu_s:,.0f} notes per CPU-second ({threads} thread)")
    print(f"one note alone: {one_ms:.0f} ms")
    return vectors


def _suggestion_figures() -> None:
    from discovery.analysis import stack_vectors, top_k, vector_to_bytes

    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(ITEMS, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = list(range(ITEMS))
    query = matrix[123] + 0.1 * rng.normal(size=384).astype(np.float32)
    query /= np.linalg.norm(query)

    def brute():
        scores = matrix @ query
        order = np.argsort(-scores, kind="stable")[:3]
        return [(ids[i], float(scores[i])) for i in order]

    assert [i for i, _ in top_k(query, matrix, ids, k=3)] == [i for i, _ in brute()]
    ours, baseline = _median_ms(lambda: top_k(query, matrix, ids, k=3)), _median_ms(brute)
    print(
        f"suggestion latency, 1 note vs {ITEMS:,} items: top_k {ours:.1f} ms "
        f"(baseline, dot product + full sort: {baseline:.1f} ms; {baseline / ours:.1f}x)"
    )
    rows = [vector_to_bytes(v) for v in matrix[:20_000]]
    decode = _median_ms(lambda: stack_vectors(rows), repeats=3) * ITEMS / len(rows)
    print(f"decoding {ITEMS:,} stored byte rows into the matrix: {decode:.0f} ms (done once, then cached)")


def _theme_figures(texts: list[str], vectors: np.ndarray | None) -> None:
    from threadpoolctl import threadpool_limits

    from discovery.analysis import cluster_texts
    from discovery.analysis.themes import kmeans

    rng = np.random.default_rng(11)
    base = vectors if vectors is not None else rng.normal(size=(len(texts), 384)).astype(np.float32)
    pick = rng.integers(len(texts), size=NOTES_FOR_THEMES)
    noisy = base[pick] + rng.normal(scale=0.02, size=(NOTES_FOR_THEMES, base.shape[1])).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    theme_texts = [texts[i] for i in pick]
    started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_utime
    themes = cluster_texts(noisy, theme_texts)
    ours = time.perf_counter() - started
    ours_cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu
    with threadpool_limits(limits=1, user_api="blas"):  # as cluster_texts runs it
        started = time.perf_counter()
        kmeans(noisy, len(themes), n_init=1)
        baseline = time.perf_counter() - started
    print(
        f"themes of {NOTES_FOR_THEMES:,} notes: {ours:.2f} s for {len(themes)} themes "
        f"(baseline, one k-means run at k={len(themes)}: {baseline:.2f} s); CPU time {ours_cpu:.2f} s"
    )
    for theme in themes[:3]:
        print(f"  {theme.size:5d} notes: {', '.join(theme.terms)}")


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with it)")
    texts = _real_texts()
    vectors = _embedding_figures(texts)
    _suggestion_figures()
    _theme_figures(texts, vectors)


if __name__ == "__main__":
    main()

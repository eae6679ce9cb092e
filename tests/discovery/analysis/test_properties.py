"""Computed values of the analysis library against plain-Python twins (hypothesis)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from discovery.analysis import (
    cluster_texts,
    likely_duplicates,
    note_sentiment,
    sentiment_label,
    stack_vectors,
    top_k,
    vector_from_bytes,
    vector_to_bytes,
)
from discovery.analysis.terms import class_terms, document_terms, words

# Small integer components: dot products are exact in float32 and in Python, so ties are real ties.
small_vectors = st.integers(1, 5).flatmap(
    lambda dim: st.tuples(
        st.lists(st.integers(-3, 3), min_size=dim, max_size=dim),
        st.lists(st.lists(st.integers(-3, 3), min_size=dim, max_size=dim), min_size=0, max_size=40),
    )
)


def top_k_twin(query, rows, ids, k):
    scores = [sum(q * r for q, r in zip(query, row, strict=True)) for row in rows]
    order = sorted(range(len(rows)), key=lambda i: (-scores[i], i))
    return [(ids[i], float(scores[i])) for i in order[: max(k, 0)]]


@settings(max_examples=150, deadline=None)
@given(small_vectors, st.integers(-1, 45))
def test_top_k_matches_a_plain_sort_ties_in_input_order(data, k):
    query, rows = data
    ids = [f"id{i}" for i in range(len(rows))]
    matrix = np.array(rows, dtype=np.float32).reshape(len(rows), len(query))
    assert top_k(query, matrix, ids, k=k) == top_k_twin(query, rows, ids, k)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_nan=False, width=32), min_size=0, max_size=400))
def test_vectors_survive_bytes(values):
    vector = np.array(values, dtype=np.float32)
    data = vector_to_bytes(vector)
    assert len(data) == 4 * len(values)
    assert np.array_equal(vector_from_bytes(data), vector)
    if values:
        assert np.array_equal(stack_vectors([data, vector])[1], vector)
        stacked = stack_vectors([data, memoryview(data), bytearray(data)])
        assert stacked.shape == (3, len(values)) and all(np.array_equal(row, vector) for row in stacked)


@given(st.floats(-1, 1))
def test_sentiment_labels_follow_the_thresholds(score):
    expected = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
    assert sentiment_label(score) == expected


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_bounded_score_and_its_label(text):
    score, label = note_sentiment(text)
    assert -1.0 <= score <= 1.0 and not math.isnan(score)
    assert label == sentiment_label(score)


vocabulary = ["export", "csv", "invoice", "billing", "login", "okta", "dark", "mode", "slow", "board", "the", "and"]
texts_strategy = st.lists(st.lists(st.sampled_from(vocabulary), min_size=0, max_size=8).map(" ".join), max_size=30)


@settings(max_examples=60, deadline=None)
@given(texts_strategy, st.integers(0, 2**31 - 1), st.one_of(st.none(), st.integers(1, 6)))
def test_themes_partition_the_notes_and_repeat_exactly(texts, seed, k):
    vectors = np.random.default_rng(seed).normal(size=(len(texts), 8)).astype(np.float32)
    themes = cluster_texts(vectors, texts, k=k, max_k=5)
    members = sorted(i for theme in themes for i in theme.members)
    assert members == list(range(len(texts)))  # every note in exactly one theme
    assert all(theme.members == sorted(theme.members) and theme.members for theme in themes)
    assert [t.size for t in themes] == sorted((t.size for t in themes), reverse=True)
    assert len(themes) <= (min(k, len(texts)) if k else 5) or not texts
    assert cluster_texts(vectors.copy(), list(texts), k=k, max_k=5) == themes  # same input, same themes
    for theme in themes:
        assert all(term in {w for i in theme.members for w in words(texts[i])} for term in theme.terms)
        assert not {"the", "and"} & set(theme.terms)


@settings(max_examples=30, deadline=None)
@given(texts_strategy)
def test_themes_without_vectors_use_the_words(texts):
    themes = cluster_texts(None, texts)
    assert sorted(i for theme in themes for i in theme.members) == list(range(len(texts)))


def class_terms_twin(doc_terms, groups, top):
    """c-TF-IDF written out term by term (no common-word filter: fewer than 20 documents)."""
    per_group = []
    for group in groups:
        counts = {}
        for i in group:
            for term in doc_terms[i]:
                counts[term] = counts.get(term, 0) + 1
        per_group.append(counts)
    totals = {}
    for counts in per_group:
        for term, n in counts.items():
            totals[term] = totals.get(term, 0) + n
    mean_size = sum(sum(c.values()) for c in per_group) / len(per_group)
    out = []
    for counts in per_group:
        size = sum(counts.values())
        floor = 2 if counts and max(counts.values()) >= 2 else 1
        scored = {t: n / size * math.log(1 + mean_size / totals[t]) for t, n in counts.items() if n >= floor}
        out.append(sorted(scored, key=lambda t: (-scored[t], t))[:top])
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(vocabulary), max_size=6).map(" ".join), min_size=1, max_size=19), st.data())
def test_theme_terms_are_class_tf_idf(texts, data):
    labels = data.draw(st.lists(st.integers(0, 3), min_size=len(texts), max_size=len(texts)))
    groups = [[i for i, label in enumerate(labels) if label == g] for g in sorted(set(labels))]
    doc_terms = document_terms(texts)
    assert class_terms(doc_terms, groups, top=4) == class_terms_twin(doc_terms, groups, 4)


@settings(max_examples=150, deadline=None)
@given(small_vectors, st.integers(0, 6), st.integers(-10, 10), st.one_of(st.none(), st.integers(0, 40)))
def test_likely_duplicates_are_the_nearest_above_the_threshold(data, k, threshold, exclude):
    query, rows = data
    ids = list(range(len(rows)))
    matrix = np.array(rows, dtype=np.float32).reshape(len(rows), len(query))
    twin = [(i, s) for i, s in top_k_twin(query, rows, ids, len(rows)) if s >= threshold and i != exclude][:k]
    assert likely_duplicates(query, matrix, ids, threshold=threshold, k=k, exclude=exclude) == twin


def test_words_keep_letters_of_any_language_and_drop_stop_words():
    assert words("Die Rechnung für Zürich: prénom, co-editing, 2FA, it's the export's bug") == [
        "die",
        "rechnung",
        "für",
        "zürich",
        "prénom",
        "co-editing",
        "bug",
    ]

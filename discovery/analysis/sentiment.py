"""Sentiment of a feedback note: VADER's lexicon and rules (vaderSentiment), no model, no network.

The score is VADER's *compound* score in [-1, 1]; the label follows VADER's own recommended
thresholds: >= 0.05 positive, <= -0.05 negative, in between neutral.
"""

import threading

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)

_lock = threading.Lock()
_analyzer: SentimentIntensityAnalyzer | None = None


def _get_analyzer() -> SentimentIntensityAnalyzer:
    """The analyser reads its lexicon files once per process (about 0.1 s)."""
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                _analyzer = SentimentIntensityAnalyzer()
    return _analyzer


def sentiment_label(score: float) -> str:
    """negative / neutral / positive for a compound score."""
    if score >= POSITIVE_THRESHOLD:
        return POSITIVE
    if score <= NEGATIVE_THRESHOLD:
        return NEGATIVE
    return NEUTRAL


def note_sentiment(text: str) -> tuple[float, str]:
    """(compound score in [-1, 1], label) of a note's text; empty text is (0.0, "neutral")."""
    if not text or not text.strip():
        return 0.0, NEUTRAL
    score = float(_get_analyzer().polarity_scores(text)["compound"])
    score = max(-1.0, min(1.0, score))
    return score, sentiment_label(score)

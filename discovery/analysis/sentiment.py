"""Sentiment of a feedback note: VADER's lexicon and rules (vaderSentiment), no model, no network.

The score is VADER's *compound* score in [-1, 1]; the label follows VADER's own recommended
thresholds: >= 0.05 positive, <= -0.05 negative, in between neutral.

VADER's lexicon was built for social media; customer feedback uses some of its words in a neutral
sense ("support" the team, "like" in "I'd like", "hand" in "by hand", "credit" card, "free" seats) and
misses some complaints of software users ("crashes", "unusable", "slow"). FEEDBACK_LEXICON adjusts those
words (valences on VADER's -4..4 scale); everything else is VADER as shipped.
"""

import threading

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)

FEEDBACK_LEXICON = {
    # Neutral in requests and product talk.
    **dict.fromkeys(
        [
            "want",
            "create",
            "support",
            "supports",
            "supported",
            "number",
            "hand",
            "prospect",
            "credit",
            "share",
            "shared",
            "invite",
            "opportunity",
            "protect",
            "legal",
            "growth",
            "attachment",
            "attachments",
            "ideally",
            "responsible",
            "excel",
            "please",
        ],
        0.0,
    ),
    "like": 0.3,
    "progress": 0.3,
    "improvements": 0.3,
    "free": 0.5,
    "help": 0.5,
    "benefit": 0.5,
    "save": 0.5,
    # Complaints of software users.
    **dict.fromkeys(["crashes", "crashed", "crashing"], -2.0),
    "unusable": -2.5,
    "outage": -2.0,
    "buggy": -1.8,
    "freezes": -1.5,
    "wasteful": -1.5,
    "laggy": -1.3,
    "blocker": -1.3,
    "slow": -1.2,
    "sluggish": -1.2,
    "bug": -1.2,
    "bugs": -1.2,
    "refuses": -1.2,
    **dict.fromkeys(["vanish", "vanished", "vanishes"], -1.2),
    "slower": -1.0,
    "expensive": -1.0,
    "overwritten": -1.0,
    "hangs": -1.0,
    "quits": -1.0,
}

_lock = threading.Lock()
_analyzer: SentimentIntensityAnalyzer | None = None


def _get_analyzer() -> SentimentIntensityAnalyzer:
    """The analyser reads its lexicon files once per process (about 0.1 s)."""
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                analyzer = SentimentIntensityAnalyzer()
                analyzer.lexicon.update(FEEDBACK_LEXICON)
                _analyzer = analyzer
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

"""Manual order as integers with gaps: new rows go RANK_GAP after the last, a move takes the midpoint."""

RANK_GAP = 1024


def rank_between(low: int | None, high: int | None, *, floor: int | None = None) -> int | None:
    """A rank strictly between two neighbours' ranks (None for an open end), or None when no integer
    fits and the list needs a rebalance. With `floor`, ranks stay above it (initiatives keep 0 for
    "not ranked yet")."""
    if low is None and high is None:
        return RANK_GAP
    if high is None:
        return low + RANK_GAP
    if low is None:
        if floor is None or high - RANK_GAP > floor:
            return high - RANK_GAP
        low = floor
    if high - low < 2:
        return None
    return (low + high) // 2

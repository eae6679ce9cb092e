"""Presence: who else has this backlog or board open now, kept in the cache (Redis in production) for a short while.

Each open page says "still here" every LIVE presence interval; an entry not renewed within PRESENCE_TTL
is gone. Two heartbeats at the same moment may drop one of them until the next: presence is a hint.
"""

import re
import time

from django.core.cache import cache

PRESENCE_TTL = 30
SCOPE = re.compile(r"^[a-z_]{1,20}:\d{1,12}$")


def presence_touch(*, workspace_id: int, scope: str, user, leaving: bool = False) -> list[str]:
    """Record that `user` looks at `scope` (or left it) and return the names of the others there."""
    key = f"presence:{workspace_id}:{scope}"
    now = time.time()
    entries = {uid: (name, seen) for uid, (name, seen) in (cache.get(key) or {}).items() if seen > now - PRESENCE_TTL}
    if leaving:
        entries.pop(user.pk, None)
    else:
        entries[user.pk] = (user.username, now)
    cache.set(key, entries, PRESENCE_TTL)
    return sorted(name for uid, (name, _) in entries.items() if uid != user.pk)

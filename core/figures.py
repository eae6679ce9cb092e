"""Figures that aggregate a whole product or workspace, cached by a version that every write bumps.

Board, timeline, dashboards, the matrix and the ranked view's positions add up every item of a
product; at 100,000 items that costs more than the page itself. They are computed once per
*version* of the workspace and kept in the cache (Redis when CACHE_URL is set, shared by every
web process): every published event (core.events: each service write of items, initiatives,
key results… publishes one) bumps the version, at once and again when the transaction commits,
so a figure read after a write is always recomputed, and one cached by a reader that overlapped
the write is never served after the commit. FIGURES_TTL bounds how long a figure lives when a
write went around the services (a raw SQL fix in a shell).
"""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
MISSING = object()


FIGURES = "figures"  # the family of figures every published event outdates (bump_on_event)


def _version_key(workspace_id: int, family: str = FIGURES) -> str:
    return f"pmhub:{family}:v:{workspace_id}"


def figures_version(*, workspace_id: int, family: str = FIGURES) -> int:
    """The workspace's version of a family of cached values: `figures` (what its writes change), or
    another family that its own writers bump (integrations' webhook subscriptions)."""
    key = _version_key(workspace_id, family)
    version = cache.get(key)
    if version is None:
        # After the cache was emptied, a version from the clock never repeats an older one.
        cache.add(key, time.time_ns() // 1000, timeout=None)
        version = cache.get(key, 0)
    return version


def figures_bump(*, workspace_id: int, family: str = FIGURES) -> None:
    """A write in the workspace: its figures are recomputed from now on, and again after the commit."""
    key = _version_key(workspace_id, family)

    def bump() -> None:
        try:
            cache.incr(key)
        except ValueError:  # no version yet (or the cache was emptied)
            cache.set(key, time.time_ns() // 1000, timeout=None)

    bump()
    transaction.on_commit(bump)


def bump_on_event(*, event: str, workspace_id: int, data: dict) -> None:
    """core.events subscriber: every write announced in a workspace bumps its figures' version."""
    figures_bump(workspace_id=workspace_id)


def cached_figure(*, workspace_id: int, name: str, parts: tuple, compute: Callable[[], T], family: str = FIGURES) -> T:
    """`compute()`, or what it gave for the same name and parts at the workspace's current version."""
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    version = figures_version(workspace_id=workspace_id, family=family)
    key = f"pmhub:{family}:{workspace_id}:{version}:{name}:{digest}"
    value = cache.get(key, MISSING)
    if value is MISSING:
        value = compute()
        cache.set(key, value, timeout=settings.FIGURES_TTL)
    return value


def cached_figure_chunks(
    *, workspace_id: int, name: str, parts: tuple, chunks: list[int], compute: Callable[[], list[T]]
) -> dict[int, T]:
    """Some chunks of a long figure (a list of chunks, e.g. a whole ordering cut into pages), cached
    chunk by chunk at the workspace's current version, so that a reader takes from the cache only
    the chunks it shows, never the whole figure. `compute()` gives every chunk; a chunk past the end
    is empty (None)."""
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    base = f"pmhub:figures:{workspace_id}:{figures_version(workspace_id=workspace_id)}:{name}:{digest}"
    keys = {k: f"{base}:{k}" for k in chunks}
    found = cache.get_many([f"{base}:n", *keys.values()])
    length = found.get(f"{base}:n")
    if length is not None and all(k >= length or key in found for k, key in keys.items()):
        return {k: found.get(key) for k, key in keys.items()}
    whole = compute()
    stored = {f"{base}:{k}": chunk for k, chunk in enumerate(whole)}
    cache.set_many({**stored, f"{base}:n": len(whole)}, timeout=settings.FIGURES_TTL)
    return {k: whole[k] if k < len(whole) else None for k in chunks}

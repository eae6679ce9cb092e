"""Dependency graphs (this waits for that): the cycle check every dependency write runs.

Pure functions over (waiter, waited_for) pairs, so backlog items and roadmap initiatives share one rule.
"""

from collections.abc import Iterable

SELF_DEPENDENCY = "Something cannot wait for itself."
CYCLE = "This dependency would close a loop: {path}. Remove one of them first."


def cycle_path(*, edges: Iterable[tuple[int, int]], waiter: int, waited_for: int) -> list[int] | None:
    """The loop that adding `waiter → waited_for` would close, as a list of ids, or None if it closes none.

    `edges` are the existing (waiter, waited_for) pairs. A loop exists when `waiter` is already
    reachable from `waited_for`; the path returned starts and ends with `waiter`.
    """
    if waiter == waited_for:
        return [waiter, waiter]
    graph: dict[int, list[int]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    parents: dict[int, int] = {waited_for: waiter}
    frontier = [waited_for]
    while frontier:
        following = []
        for node in frontier:
            for nxt in graph.get(node, ()):
                if nxt in parents:
                    continue
                parents[nxt] = node
                if nxt == waiter:
                    path = [waiter]
                    while path[-1] != waiter or len(path) == 1:
                        path.append(parents[path[-1]])
                    return list(reversed(path))
                following.append(nxt)
        frontier = following
    return None


def first_cycle(*, edges: Iterable[tuple[int, int]], new_edges: Iterable[tuple[int, int]]) -> list[int] | None:
    """Add `new_edges` one by one to `edges`; the first loop one of them closes, or None."""
    known = list(edges)
    for waiter, waited_for in new_edges:
        path = cycle_path(edges=known, waiter=waiter, waited_for=waited_for)
        if path is not None:
            return path
        known.append((waiter, waited_for))
    return None

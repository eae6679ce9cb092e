"""Reading big JSON exports without holding them: `ijson` yields one array element (an issue, a card,
an action) at a time, so a reader's memory follows the largest element, not the file.

A reader that needs parts of a document in another order than the file gives them (Trello's lists
and checklists come after its cards) opens the file again: `Opener` returns a fresh binary stream
from the start each time it is called.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import ijson

from .records import SourceError

Opener = Callable[[], BinaryIO]
JSONError = ijson.JSONError


@dataclass
class JsonFile:
    name: str  # for messages
    open: Opener


def items(opener: Opener, prefix: str) -> Iterator:
    """The elements at `prefix` ("issues.item", "cards.item"), built one at a time, numbers as floats
    (as `json.load` gives them)."""
    yield from ijson.items(opener(), prefix, use_float=True)


def elements(opener: Opener, wanted: Iterable[str], shape: dict) -> Iterator[tuple[str, object]]:
    """One pass over the document: (prefix, element) for every element at one of the `wanted` prefixes
    ("lists.item", "actions.item"), built one at a time from the parse events, so several arrays come
    out of one pass. `shape` is filled as the pass goes: "top" ("map", "array" or "") and "arrays"
    (the keys of the top-level object whose values are arrays: "cards", "lists").
    """
    wanted = set(wanted)
    shape.update(top="", arrays=set())
    events = ijson.parse(opener(), use_float=True)
    for prefix, event, value in events:
        if not prefix and event in ("start_map", "start_array") and not shape["top"]:
            shape["top"] = "map" if event == "start_map" else "array"
        elif event == "start_array" and prefix and "." not in prefix and shape["top"] == "map":
            shape["arrays"].add(prefix)
        if prefix not in wanted:
            continue
        if event not in ("start_map", "start_array"):
            yield prefix, value
            continue
        builder, depth = ijson.ObjectBuilder(), 1
        builder.event(event, value)
        for _, inner, inner_value in events:
            builder.event(inner, inner_value)
            if inner in ("start_map", "start_array"):
                depth += 1
            elif inner in ("end_map", "end_array"):
                depth -= 1
                if not depth:
                    break
        yield prefix, builder.value


def invalid(name: str, error: Exception) -> SourceError:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return SourceError(f"“{name}” is not valid JSON: {first_line[:200]}.")

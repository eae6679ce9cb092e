"""Request body parsing for the API: JSON with bounded nesting, so no input can exhaust the parser."""

import orjson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

MAX_DEPTH = 32  # far deeper than any PMHub object (a bulk body is 4 levels), far below Python's recursion limit


def depth_within(value, limit: int) -> bool:
    """Whether `value` (decoded JSON) nests no deeper than `limit` arrays and objects, checked without recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


class JSONParser(BaseParser):
    """application/json decoded by orjson; malformed or too deeply nested bodies are a 400, never a 500."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        limit = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None)
        if limit is not None and len(raw) > limit:
            raise ParseError(f"The request body is larger than {limit} bytes.")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            # orjson refuses nesting past 1024 levels itself; the message says where the body went wrong.
            raise ParseError(f"JSON parse error - {error}") from error
        if not depth_within(data, MAX_DEPTH):
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels is not accepted.")
        return data

"""Fast JSON for the API (orjson), with the same output as DRF's encoder for our types."""

import gc
from contextlib import contextmanager
from decimal import Decimal

import orjson
from django.http import Http404
from django.utils.functional import Promise
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


_drf_encoder = JSONEncoder()


def _default(value):
    if isinstance(value, Decimal | Promise):
        return str(value)
    # Anything else DRF's encoder knows (timedelta, querysets, generators, bytes, …), for every endpoint.
    return _drf_encoder.default(value)


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=OPTIONS)


@contextmanager
def collector_paused():
    """No cyclic garbage collection in the block: for building and rendering a big page of plain rows.

    A page is a thousand new containers (rows and their dicts, none in a cycle). Made and dropped
    inside the block, they leave the collector's count where it was; made with it running, they
    would set off collections that walk them (and, now and then, the whole heap) for nothing.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def fragment(rows) -> orjson.Fragment:
    """`rows` (dicts with string keys only) rendered now, to be embedded as they are in a response
    rendered later. Without OPT_NON_STR_KEYS, which costs orjson a slower path for every dict."""
    return orjson.Fragment(orjson.dumps(rows, default=_default, option=orjson.OPT_UTC_Z))


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return dumps(data)


class CSVRenderer(BaseRenderer):
    """text/csv for export endpoints; errors (dicts) are rendered as JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return dumps(data)


class StrictContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that an empty `?format=` is refused like an unknown one (a 404)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not format_suffix and request.query_params.get(self.settings.URL_FORMAT_OVERRIDE, None) == "":
            raise Http404
        return super().select_renderer(request, renderers, format_suffix)

from datetime import timedelta
from decimal import Decimal

import orjson

from core.renderers import ORJSONRenderer


def test_the_renderer_writes_what_drfs_encoder_writes():
    body = ORJSONRenderer().render({"d": Decimal("1.50"), "t": timedelta(seconds=90), "s": (1, 2), 3: "int key"})
    assert orjson.loads(body) == {"d": "1.50", "t": "90.0", "s": [1, 2], "3": "int key"}

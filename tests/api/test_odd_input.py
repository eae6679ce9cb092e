"""Odd input gets a clear 400, never a 500: deep JSON, cursors out of range."""

import base64
import json

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.parsers import MAX_DEPTH, depth_within


def _nested(depth: int):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


def _depth(value) -> int:
    """The plain recursive twin of depth_within."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=30,
)


@given(json_values, st.integers(min_value=0, max_value=8))
def test_depth_check_agrees_with_a_recursive_count(value, limit):
    assert depth_within(value, limit) == (_depth(value) <= limit)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 5000])
def test_json_nested_too_deep_is_a_400(world, api, depth):
    body = b"[" * depth + b"]" * depth

    response = api("product_owner").post("/api/v1/items/", body, content_type="application/json")

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_body_within_the_depth_limit_reaches_validation(world, api):
    response = api("product_owner").post(
        "/api/v1/items/",
        orjson.dumps({"product": world.product.pk, "title": "Ok", "tags": _nested(3)}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "tags" in response.json()["errors"]


@pytest.mark.parametrize(
    "cursor",
    [[1024, 2**63], [1024, 2**70], [1024, -1], [2**70, 5], ["x" * 10, 5], [None, 2**64]],
    ids=["id past bigint", "huge id", "negative id", "huge rank", "text rank", "huge id, null value"],
)
def test_a_cursor_out_of_range_is_a_400_with_or_without_filters(world, api, cursor):
    raw = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode()
    client = api("product_owner")

    for params in ({}, {"product": world.product.pk}, {"product": world.product.pk, "status": "ready"}):
        response = client.get("/api/v1/items/", {"cursor": raw, **params})
        assert response.status_code == 400, (params, response.content[:200])
        assert "cursor" in response.json()["errors"]


def test_an_invalid_body_is_a_400_whatever_its_if_match(world, api):
    from tests import factories as f

    theme = f.ThemeFactory(product=world.product, name="Speed")

    stale_and_invalid = api("admin").patch(
        f"/api/v1/themes/{theme.pk}/", {"color": "red"}, format="json", HTTP_IF_MATCH='"99"'
    )
    stale_and_valid = api("admin").patch(
        f"/api/v1/themes/{theme.pk}/", {"name": "Fast"}, format="json", HTTP_IF_MATCH='"99"'
    )

    assert stale_and_invalid.status_code == 400 and "color" in stale_and_invalid.json()["errors"]
    assert stale_and_valid.status_code == 412
    theme.refresh_from_db()
    assert theme.name == "Speed"


@pytest.mark.parametrize("header", ["", " ", '"3', "W/3", "3.0", '"-1"'])
def test_a_malformed_if_match_is_a_400(world, api, header):
    from tests import factories as f

    theme = f.ThemeFactory(product=world.product, name="Speed")

    response = api("admin").patch(f"/api/v1/themes/{theme.pk}/", {"name": "Fast"}, format="json", HTTP_IF_MATCH=header)

    assert response.status_code == 400 and "If-Match" in response.json()["errors"]
    theme.refresh_from_db()
    assert theme.name == "Speed"


@pytest.mark.parametrize("url", ["/api/v1/themes/", "/api/v1/items/"])  # page numbers, and a keyset cursor
@pytest.mark.parametrize("size, status", [("2", 200), ("500", 200), ("0", 400), ("501", 400), ("k", 400), ("", 400)])
def test_page_size_is_a_whole_number_from_1_to_500(world, api, url, size, status):
    response = api("admin").get(url, {"page_size": size})

    assert response.status_code == status, response.content


def test_an_empty_format_is_refused_like_an_unknown_one(world, api):
    assert api("admin").get("/api/v1/items/export/", {"format": ""}).status_code == 404
    assert api("admin").get("/api/v1/items/export/", {"format": "xml"}).status_code == 404
    assert api("admin").get("/api/v1/items/export/").status_code == 200


@pytest.mark.parametrize("value, status", [("true", 200), ("false", 200), ("1", 200), ("maybe", 400), ("", 400)])
def test_the_inbox_filter_is_a_boolean(world, api, value, status):
    assert api("viewer").get("/api/v1/notifications/", {"unread": value}).status_code == status

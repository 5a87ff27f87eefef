"""shared/http/pagination.py: page tokens."""
from __future__ import annotations

import pytest

from shared.errors import BadRequest
from shared.http.pagination import decode_token, encode_token


def test_page_tokens_round_trip_and_reject_garbage():
    token = encode_token(["2026-01-01", 5, "doc1"])
    assert decode_token(token) == ["2026-01-01", 5, "doc1"]
    with pytest.raises(BadRequest):
        decode_token("%%%")

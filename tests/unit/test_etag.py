"""If-Match against an ETag: strong comparison (RFC 9110 §13.1.1)."""
from __future__ import annotations

import pytest

from shared.errors import PreconditionFailed
from shared.http.etag import check_if_match, etag


@pytest.mark.parametrize("header", ['"v3"', '"v2", "v3"', "*", ' "v3" '])
def test_the_current_tag_or_a_star_passes(header):
    check_if_match(header, 3)


@pytest.mark.parametrize("header", ['W/"v3"', 'W/"v2", W/"v3"', '"v2"', "v3", ""])
def test_a_weak_or_other_tag_is_412(header):
    with pytest.raises(PreconditionFailed) as raised:
        check_if_match(header, 3)
    assert raised.value.code == "STALE_VERSION"


def test_if_match_accepts_current_and_wildcard_and_refuses_stale():
    check_if_match(None, 3)
    check_if_match(etag(3), 3)
    check_if_match("*", 3)
    with pytest.raises(PreconditionFailed):
        check_if_match('"v2"', 3)

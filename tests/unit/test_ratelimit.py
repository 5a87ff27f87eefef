"""The rate-limit decision from the counts a commit answered (pure)."""
from __future__ import annotations

import pytest

from shared.ratelimit import POLICIES, Counted, Decision, Policy, decide

API = POLICIES["api"]
OTP = POLICIES["otp_send"]
T = 1_764_633_600_000 + 30_000          # 30 s into a minute (and an hour, and a UTC day), in ms


def _places(minute: int, hour: int = 1, day: int = 1) -> dict[str, int]:
    return {"minute": minute, "hour": hour, "day": day}


def test_places_within_every_limit_are_allowed():
    assert decide(API, Counted(T, _places(100, 1000, 10_000))) == Decision(True)


@pytest.mark.parametrize(("places", "refused_by", "retry_after"), [
    (_places(101), ("minute",), 30),
    (_places(5, 1001), ("hour",), 3570),
    (_places(101, 1001, 10_001), ("minute", "hour", "day"), 86_370),
])
def test_a_place_beyond_a_limit_refuses_until_that_window_ends(places, refused_by, retry_after):
    assert decide(API, Counted(T, places)) == Decision(False, retry_after, refused_by)


def test_a_send_within_the_gap_of_the_previous_minutes_first_call_is_refused():
    decision = decide(OTP, Counted(T, _places(1), T, T - 50_000))
    assert decision == Decision(False, 60, ("gap",))


def test_a_send_the_gap_after_the_previous_minutes_first_call_is_allowed():
    assert decide(OTP, Counted(T, _places(1), T, T - 60_000)).allowed


def test_a_second_send_in_a_minute_waits_the_gap_after_the_first():
    decision = decide(OTP, Counted(T, _places(2), T - 20_000, 0))
    assert decision == Decision(False, 40, ("minute",))


def test_a_gap_needs_one_call_a_minute():
    with pytest.raises(ValueError):
        Policy(2, 10, 10, min_gap_seconds=60)

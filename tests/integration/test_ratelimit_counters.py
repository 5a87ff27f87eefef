"""Rate limits counted by one commit of field transforms (no read, no transaction) on the emulator."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from shared import clock, ratelimit
from shared.errors import TooManyRequests
from shared.metrics import start_counting, stop_counting
from tests.support.windows import start_of_window


def _outcome(policy: str, identity: str) -> int:
    """0 when allowed, else the Retry-After seconds."""
    try:
        ratelimit.check(policy, identity)
    except TooManyRequests as refused:
        return int(refused.headers["Retry-After"])
    return 0


def _counted(policy: str, identity: str) -> tuple[int, int, int]:
    ops, token = start_counting()
    try:
        outcome = _outcome(policy, identity)
    finally:
        stop_counting(token)
    return outcome, ops.reads, ops.writes


def _to(moment: datetime) -> None:
    clock.advance(moment - clock.now())


def test_a_call_costs_one_write_and_no_read_and_a_refusal_at_most_one(clean_db):
    start_of_window(60)
    assert [_counted("login", "ip:203.0.113.1") for _ in range(5)] == [(0, 0, 1)] * 5
    outcome, reads, writes = _counted("login", "ip:203.0.113.1")
    assert 1 <= outcome <= 60 and (reads, writes) == (0, 1)
    # Known to be refused in this process: refused again without touching Firestore.
    outcome, reads, writes = _counted("login", "ip:203.0.113.1")
    assert 1 <= outcome <= 60 and (reads, writes) == (0, 0)


def test_ten_at_a_time_in_parallel_lose_no_increment_and_the_101st_is_refused(clean_db):
    start_of_window(60)
    with ThreadPoolExecutor(max_workers=10) as pool:
        for _ in range(10):
            outcomes = list(pool.map(lambda _: _outcome("api", "user:parallel"), range(10)))
            assert outcomes == [0] * 10
    assert _outcome("api", "user:parallel") > 0
    day = ratelimit.window_start(int(clock.now().timestamp()), 86400)
    from shared.db import collection

    docs = [d for d in collection(ratelimit.RATE_LIMITS).stream() if d.id.endswith(f":{day}")]
    assert len(docs) == 1 and docs[0].get("w.d") == 101


def test_twenty_parallel_calls_at_the_limit_let_exactly_the_remaining_ones_through(clean_db):
    start_of_window(60)
    for _ in range(95):
        assert _outcome("api", "user:edge") == 0
    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(lambda _: _outcome("api", "user:edge"), range(20)))
    assert outcomes.count(0) == 5
    assert all(1 <= seconds <= 60 for seconds in outcomes if seconds)


def test_refused_calls_do_not_push_later_ones_over_the_hour(clean_db):
    start_of_window(3600)
    accepted = 0
    for _ in range(5):
        # 5 a minute are allowed; hammer 12 times a minute, from a fresh process memory every few calls
        # so that refused calls really write (as they would arriving at several instances).
        for attempt in range(12):
            if attempt % 4 == 3:
                ratelimit.reset_local_state()
            accepted += _outcome("login", "ip:198.51.100.7") == 0
        clock.advance(timedelta(seconds=60))
    # Debts lost with a process's memory only make the limit stricter: never more than 20 an hour.
    assert 15 <= accepted <= 20


def test_refused_calls_of_one_process_leave_the_hour_exact(clean_db):
    start_of_window(3600)
    accepted = []
    for _ in range(5):
        accepted.append(sum(_outcome("login", "ip:198.51.100.8") == 0 for _ in range(12)))
        clock.advance(timedelta(seconds=60))
    assert accepted == [5, 5, 5, 5, 0]                                  # 20 an hour, refusals not counted


def test_a_refusal_is_remembered_until_its_window_ends(clean_db):
    start_of_window(60)
    for _ in range(5):
        assert _outcome("login", "ip:198.51.100.9") == 0
    retry_after = _outcome("login", "ip:198.51.100.9")
    assert 58 <= retry_after <= 60
    clock.advance(timedelta(seconds=retry_after - 2))
    assert _counted("login", "ip:198.51.100.9")[2] == 0                 # still refused, from memory
    clock.advance(timedelta(seconds=2))
    assert _outcome("login", "ip:198.51.100.9") == 0


def test_once_a_minute_holds_across_a_minute_boundary(clean_db):
    start_of_window(60)
    clock.advance(timedelta(seconds=57))                                # 58 s into a minute
    assert _outcome("otp_send", "otp:+919800000001") == 0
    clock.advance(timedelta(seconds=4))                                 # 2 s into the next minute
    retry_after = _outcome("otp_send", "otp:+919800000001")
    assert 59 <= retry_after <= 60                                      # the early attempt restarts the wait
    clock.advance(timedelta(seconds=retry_after))
    assert _outcome("otp_send", "otp:+919800000001") == 0
    assert _outcome("otp_send", "otp:+919800000002") == 0               # per destination


def test_once_a_minute_holds_across_a_day_boundary(clean_db):
    now = clock.now()
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    _to(midnight - timedelta(seconds=3))
    assert _outcome("password_reset", "reset:a@example.com") == 0
    _to(midnight + timedelta(seconds=5))
    outcome, reads, writes = _counted("password_reset", "reset:a@example.com")
    assert outcome > 0 and reads == 0 and writes == 2                  # yesterday's document read back by a write
    clock.advance(timedelta(seconds=outcome))
    assert _outcome("password_reset", "reset:a@example.com") == 0


def test_a_send_a_minute_later_is_allowed(clean_db):
    start_of_window(3600)
    clock.advance(timedelta(seconds=30))
    assert _outcome("otp_send", "otp:a@example.com") == 0
    clock.advance(timedelta(seconds=60))
    assert _outcome("otp_send", "otp:a@example.com") == 0
    clock.advance(timedelta(seconds=60))
    assert _outcome("otp_send", "otp:a@example.com") == 0
    clock.advance(timedelta(seconds=60))
    assert _outcome("otp_send", "otp:a@example.com") > 0               # 3 an hour


@pytest.mark.parametrize("policy", sorted(ratelimit.POLICIES))
def test_every_policy_counts_with_one_write(clean_db, policy):
    start_of_window(60)
    clock.advance(timedelta(seconds=2))
    assert _counted(policy, f"test:{policy}") == (0, 0, 1)


def test_a_days_document_outlives_its_day_by_an_hour(clean_db):
    from shared.db import collection

    start_of_window(60)
    assert _outcome("otp_send", "otp:ttl@example.com") == 0
    day = ratelimit.window_start(int(clock.now().timestamp()), 86400)
    [doc] = [d for d in collection(ratelimit.RATE_LIMITS).stream() if d.id.endswith(f":{day}")]
    assert doc.get("expiresAt") == datetime.fromtimestamp(day + 86400 + 3600, tz=UTC)

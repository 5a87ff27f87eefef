"""Backoff computation, Retry-After parsing and the retry loop of shared.adapters.retry; log masks."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters import DeliveryFailed
from shared.adapters.retry import (
    PRODUCTION_POLICY,
    RetryableFailure,
    RetryPolicy,
    backoff_delay,
    is_retryable_status,
    parse_retry_after,
    run_with_retry,
)

POLICY = RetryPolicy(attempts=4, base=0.5, cap=3.0, retry_after_cap=10.0)


@pytest.mark.parametrize(("attempt", "low", "high"), [(1, 0.25, 0.5), (2, 0.5, 1.0), (3, 1.0, 2.0), (4, 1.5, 3.0),
                                                      (9, 1.5, 3.0)])
def test_backoff_doubles_with_equal_jitter_up_to_the_cap(attempt, low, high):
    assert backoff_delay(attempt, POLICY, rand=lambda: 0.0) == pytest.approx(low)
    assert backoff_delay(attempt, POLICY, rand=lambda: 1.0) == pytest.approx(high)


def test_retry_after_is_a_floor_but_capped():
    assert backoff_delay(1, POLICY, retry_after=4.0, rand=lambda: 0.0) == pytest.approx(4.0)
    assert backoff_delay(1, POLICY, retry_after=120.0, rand=lambda: 0.0) == pytest.approx(10.0)
    assert backoff_delay(3, POLICY, retry_after=0.1, rand=lambda: 1.0) == pytest.approx(2.0)


def test_production_policy_waits_at_most_a_few_seconds_in_all():
    worst = sum(backoff_delay(n, PRODUCTION_POLICY, rand=lambda: 1.0) for n in range(1, PRODUCTION_POLICY.attempts))
    assert worst == pytest.approx(0.5 + 1.0 + 2.0)


def test_parse_retry_after():
    now = datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("Sun, 01 Mar 2026 10:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sun, 01 Mar 2026 09:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(("status", "retry"), [(429, True), (500, True), (503, True), (599, True), (400, False),
                                               (401, False), (404, False), (413, False)])
def test_retryable_statuses(status, retry):
    assert is_retryable_status(status) is retry


def test_run_with_retry_retries_then_returns():
    waits: list[float] = []
    calls: list[int] = []

    def attempt(number: int) -> str:
        calls.append(number)
        if number < 3:
            raise RetryableFailure("rate_limited", 429, retry_after=0.3)
        return "sent"

    assert run_with_retry(attempt, RetryPolicy(base=0.1, cap=1.0, retry_after_cap=0.2), sleep=waits.append) == "sent"
    assert calls == [1, 2, 3]
    assert len(waits) == 2 and all(wait >= 0.2 for wait in waits)


def test_run_with_retry_gives_up_after_the_attempts():
    calls: list[int] = []

    def attempt(number: int) -> str:
        calls.append(number)
        raise RetryableFailure("provider_error", 503)

    with pytest.raises(DeliveryFailed) as failed:
        run_with_retry(attempt, RetryPolicy(attempts=4), sleep=lambda _: None)

    assert calls == [1, 2, 3, 4]
    assert (failed.value.reason, failed.value.status, failed.value.attempts, failed.value.retryable) == (
        "provider_error", 503, 4, True)


def test_a_final_failure_is_not_retried():
    calls: list[int] = []

    def attempt(number: int) -> str:
        calls.append(number)
        raise DeliveryFailed("rejected", 400, attempts=number)

    with pytest.raises(DeliveryFailed):
        run_with_retry(attempt, RetryPolicy(attempts=4), sleep=lambda _: pytest.fail("must not wait"))
    assert calls == [1]

"""Retry with exponential backoff for calls to email and SMS providers.

A provider answering 429 or 5xx, or a connection that fails, is retried a few times with growing,
jittered waits (a `Retry-After` from the provider is honoured up to a cap); anything else the provider
refuses fails at once. When the attempts run out the caller gets `DeliveryFailed(retryable=True)` and
dead-letters the message (DESIGN.md §9): it is never silently lost.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from shared.adapters.errors import DeliveryFailed
from shared.config import settings
from shared.logging import log

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4            # calls in all, the first one included
    base: float = 0.5            # seconds before the first retry (before jitter)
    cap: float = 8.0             # longest computed wait
    retry_after_cap: float = 30.0  # longest wait a provider's Retry-After can impose


PRODUCTION_POLICY = RetryPolicy()
# The test suite drives real retries against the capture endpoint; keep them short.
TEST_POLICY = RetryPolicy(base=0.05, cap=0.4, retry_after_cap=0.25)


def default_policy() -> RetryPolicy:
    return TEST_POLICY if settings().env == "test" else PRODUCTION_POLICY


class RetryableFailure(Exception):
    """Raised by one attempt when trying again may help."""

    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP-date); None when absent or unreadable."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, policy: RetryPolicy, retry_after: float | None = None,
                  rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based) before the next one.

    Exponential (base·2^(attempt-1), at most `cap`) with equal jitter (half fixed, half random) so
    concurrent senders spread out; never less than the provider's Retry-After (capped).
    """
    ceiling = min(policy.cap, policy.base * (2 ** (attempt - 1)))
    delay = ceiling / 2 + rand() * ceiling / 2
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.retry_after_cap))
    return delay


def run_with_retry(attempt: Callable[[int], T], policy: RetryPolicy | None = None, *,
                   on_retry: Callable[[int, RetryableFailure, float], None] | None = None,
                   sleep: Callable[[float], None] = time.sleep) -> T:
    """Call `attempt(n)` until it returns, raises something else, or the attempts run out.

    `attempt` raises RetryableFailure for a failure worth retrying and DeliveryFailed for a final one.
    """
    policy = policy or default_policy()
    for number in range(1, policy.attempts + 1):
        try:
            return attempt(number)
        except RetryableFailure as failure:
            if number >= policy.attempts:
                raise DeliveryFailed(failure.reason, failure.status, attempts=number, retryable=True) from None
            delay = backoff_delay(number, policy, failure.retry_after)
            if on_retry is not None:
                on_retry(number, failure, delay)
            sleep(delay)
    raise AssertionError("unreachable: RetryPolicy.attempts must be at least 1")


def send_logged(attempt: Callable[[int], str], *, logger: Any, channel: str, fields: dict[str, Any],
                sent: Callable[[str], dict[str, Any]]) -> str:
    """`run_with_retry(attempt)` for one provider send, logged the same way for every channel: each retry
    (warning), the final failure after the retries (error; a refusal the attempt logged itself), the send
    (info, with `sent(result)` and the latency). `fields` name the message (masked recipient, template)."""
    started = time.perf_counter()

    def on_retry(number: int, failure: RetryableFailure, delay: float) -> None:
        log(logger, logging.WARNING, f"{channel} send retrying", **fields, status=failure.status,
            reason=failure.reason, attempt=number, delayMs=round(delay * 1000))

    try:
        result = run_with_retry(attempt, on_retry=on_retry)
    except DeliveryFailed as failed:
        if failed.retryable:
            log(logger, logging.ERROR, f"{channel} not sent", **fields, status=failed.status, reason=failed.reason,
                attempts=failed.attempts)
        raise
    log(logger, logging.INFO, f"{channel} sent", **fields, **sent(result),
        latencyMs=round((time.perf_counter() - started) * 1000, 1))
    return result

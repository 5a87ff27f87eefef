"""Login lockout (DOMAIN.md "Login and lockout"): pure rules over the user document's counters.

5 consecutive failures lock the account for 30 minutes; a success resets the count. A lock that has
run out is forgotten at the next attempt, and counting starts again from zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=30)


@dataclass(frozen=True)
class LockState:
    failed_count: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def current(failed_count: int | None, locked_until: datetime | None, now: datetime) -> LockState:
    """The state as it stands at `now` (an expired lock and its count are gone)."""
    if locked_until is not None and locked_until <= now:
        return LockState()
    return LockState(int(failed_count or 0), locked_until)


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = MAX_FAILURES
    lock_duration: timedelta = LOCK_DURATION


DEFAULT_LOCKOUT = LockoutPolicy()


def policy_from_settings(raw: dict | None) -> LockoutPolicy:
    """From a settings document's `lockoutPolicy` ({maxFailedAttempts, lockMinutes}); defaults otherwise."""
    if not isinstance(raw, dict):
        return DEFAULT_LOCKOUT
    try:
        failures = int(raw.get("maxFailedAttempts") or MAX_FAILURES)
        minutes = int(raw.get("lockMinutes") or LOCK_DURATION.total_seconds() // 60)
    except (TypeError, ValueError):
        return DEFAULT_LOCKOUT
    return LockoutPolicy(max(1, min(failures, 100)), timedelta(minutes=max(1, min(minutes, 1440))))


def after_failure(state: LockState, now: datetime, policy: LockoutPolicy = DEFAULT_LOCKOUT) -> tuple[LockState, bool]:
    """(new state, whether this failure locked the account)."""
    count = state.failed_count + 1
    if count >= policy.max_failures:
        return LockState(0, now + policy.lock_duration), True
    return LockState(count, None), False


def after_success() -> LockState:
    return LockState()

"""Login lockout (DOMAIN.md "Login and lockout"): pure rules over the user document's counters.

5 consecutive failures lock the account for 30 minutes; a success resets the count. A lock that has
run out is forgotten at the next attempt, and counting starts again from zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from functions.masters.public import LockoutPolicy

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


def after_failure(state: LockState, now: datetime, policy: LockoutPolicy | None = None) -> tuple[LockState, bool]:
    """(new state, whether this failure locked the account) under the organization's `lockoutPolicy`
    (masters settings; DOMAIN.md's 5 failures / 30 minutes by default)."""
    count = state.failed_count + 1
    if count >= (policy.max_failed_attempts if policy else MAX_FAILURES):
        return LockState(0, now + (timedelta(minutes=policy.lock_minutes) if policy else LOCK_DURATION)), True
    return LockState(count, None), False


def after_success() -> LockState:
    return LockState()

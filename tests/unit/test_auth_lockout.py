"""Account lockout (functions/auth/lockout.py): counting failures, the lock and its policy."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.auth import lockout
from functions.masters.public import LockoutPolicy, settings_from

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_fifth_consecutive_failure_locks_for_30_minutes():
    state = lockout.LockState()
    for expected in range(1, 5):
        state, locked = lockout.after_failure(state, NOW)
        assert (state.failed_count, locked) == (expected, False)
    state, locked = lockout.after_failure(state, NOW)
    assert locked is True
    assert state.locked_until == NOW + timedelta(minutes=30)
    assert state.is_locked(NOW + timedelta(minutes=29, seconds=59))
    assert not state.is_locked(NOW + timedelta(minutes=30))


def test_an_expired_lock_is_forgotten_and_counting_restarts():
    assert lockout.current(0, NOW + timedelta(minutes=1), NOW).is_locked(NOW)
    assert lockout.current(3, NOW - timedelta(seconds=1), NOW) == lockout.LockState()
    assert lockout.current(3, None, NOW) == lockout.LockState(3, None)
    assert lockout.after_success() == lockout.LockState()


def test_lockout_policy_from_settings():
    policy = settings_from({"lockoutPolicy": {"maxFailedAttempts": 3, "lockMinutes": 10}}).lockout_policy
    state, locked = lockout.after_failure(lockout.LockState(2, None), NOW, policy)
    assert locked and state.locked_until == NOW + timedelta(minutes=10)
    assert settings_from(None).lockout_policy == LockoutPolicy()
    assert settings_from({"lockoutPolicy": {"maxFailedAttempts": "x"}}).lockout_policy == LockoutPolicy()
    state, locked = lockout.after_failure(lockout.LockState(4, None), NOW, LockoutPolicy())
    assert locked and state.locked_until == NOW + timedelta(minutes=30)

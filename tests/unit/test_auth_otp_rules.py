"""OTP verdicts (functions/auth/otp_rules.py): codes, wrong tries, expiry and reuse."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.auth import otp_rules

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_codes_are_six_digits():
    codes = {otp_rules.generate_code() for _ in range(200)}
    assert all(otp_rules.looks_like_code(code) for code in codes)
    assert len(codes) > 150


def test_three_wrong_tries_kill_the_code_even_for_a_right_fourth_guess():
    expires = NOW + timedelta(minutes=10)
    tries = 0
    for left in (2, 1, 0):
        verdict = otp_rules.judge(code_matches=False, wrong_tries=tries, expires_at=expires, consumed=False, now=NOW)
        assert not verdict.ok and verdict.attempts_left == left
        tries = verdict.wrong_tries
    assert verdict.reason == "OTP_TOO_MANY_TRIES"
    fourth = otp_rules.judge(code_matches=True, wrong_tries=tries, expires_at=expires, consumed=False, now=NOW)
    assert not fourth.ok and fourth.reason == "OTP_TOO_MANY_TRIES"


def test_expired_and_used_codes_fail_even_when_right():
    expires = NOW + timedelta(minutes=10)
    late = otp_rules.judge(code_matches=True, wrong_tries=0, expires_at=expires, consumed=False,
                           now=NOW + timedelta(minutes=11))
    assert late.reason == "OTP_EXPIRED"
    used = otp_rules.judge(code_matches=True, wrong_tries=0, expires_at=expires, consumed=True, now=NOW)
    assert used.reason == "OTP_USED"
    assert otp_rules.judge(code_matches=True, wrong_tries=2, expires_at=expires, consumed=False, now=NOW).ok

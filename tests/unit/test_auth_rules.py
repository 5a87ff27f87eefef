"""Pure identity rules: lockout, OTP verdicts, devices, access and verification tokens, Argon2 profile."""
from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from functions.auth import devices, lockout, otp_rules
from shared import clock
from shared.auth.principal import BACK_OFFICE, Principal
from shared.auth.tokens import InvalidToken, issue_access_token, verify_access_token

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
PRINCIPAL = Principal(user_id="u1", session_id="s1", kind=BACK_OFFICE, role="ADMIN",
                      permissions=frozenset({"users:read"}), organization_ids=("org-a",), branch_ids=("b1",))


@pytest.fixture(autouse=True)
def _clock():
    clock.reset()
    yield
    clock.reset()


# ---- lockout -----------------------------------------------------------------------------------------------

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
    from functions.masters.public import LockoutPolicy, settings_from

    policy = settings_from({"lockoutPolicy": {"maxFailedAttempts": 3, "lockMinutes": 10}}).lockout_policy
    state, locked = lockout.after_failure(lockout.LockState(2, None), NOW, policy)
    assert locked and state.locked_until == NOW + timedelta(minutes=10)
    assert settings_from(None).lockout_policy == LockoutPolicy()
    assert settings_from({"lockoutPolicy": {"maxFailedAttempts": "x"}}).lockout_policy == LockoutPolicy()
    state, locked = lockout.after_failure(lockout.LockState(4, None), NOW, LockoutPolicy())
    assert locked and state.locked_until == NOW + timedelta(minutes=30)


# ---- OTP -----------------------------------------------------------------------------------------------------

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


# ---- devices -------------------------------------------------------------------------------------------------

def test_device_labels_and_new_device_detection():
    chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"
    assert devices.describe(chrome) == "Chrome on Windows"
    assert devices.describe(firefox) == "Firefox on Linux"
    assert devices.fingerprint(chrome) == devices.fingerprint(chrome.replace("126.0", "127.0"))
    known, new = devices.remember([], devices.fingerprint(chrome))
    assert new is False                                   # the first device ever is not "new"
    known, new = devices.remember(known, devices.fingerprint(firefox))
    assert new is True and known[0] == devices.fingerprint(firefox)
    assert devices.remember(known, devices.fingerprint(chrome))[1] is False


# ---- access tokens -------------------------------------------------------------------------------------------

def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_access_token_round_trip_carries_the_principal():
    token, lifetime = issue_access_token(PRINCIPAL)
    assert lifetime == 900
    assert verify_access_token(token) == PRINCIPAL


def test_tampered_alg_none_foreign_key_and_expired_tokens_are_refused():
    from shared.config import settings

    token, _ = issue_access_token(PRINCIPAL)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tampered = ".".join([header, _b64({**claims, "perms": ["*"]}), signature])
    alg_none = ".".join([_b64({"alg": "none", "typ": "JWT"}), _b64(claims), ""])
    foreign = jwt.encode(claims, secrets.token_urlsafe(48), algorithm="HS256")
    wrong_audience = jwt.encode({**claims, "aud": "tradehub-verification"}, settings().jwt_signing_key,
                                algorithm="HS256")
    for bad in (tampered, alg_none, foreign, wrong_audience, "not-a-token"):
        with pytest.raises(InvalidToken) as failure:
            verify_access_token(bad)
        assert failure.value.code == "INVALID_TOKEN"
    clock.advance(timedelta(minutes=15))
    with pytest.raises(InvalidToken) as expired:
        verify_access_token(token)
    assert expired.value.code == "TOKEN_EXPIRED"


def test_restricted_tokens_live_ten_minutes():
    from dataclasses import replace

    _, lifetime = issue_access_token(replace(PRINCIPAL, restricted=True))
    assert lifetime == 600


# ---- verification tokens ---------------------------------------------------------------------------------------

def test_verification_token_binds_destination_and_purpose():
    from shared.auth.verification import (
        InvalidVerificationToken,
        issue_verification_token,
        verify_verification_token,
    )

    token, lifetime = issue_verification_token("+919876543210", "partner_onboarding", "sms")
    assert lifetime == 1800
    assert verify_verification_token(token, "partner_onboarding") == "+919876543210"
    with pytest.raises(InvalidVerificationToken):
        verify_verification_token(token, "change_email")
    with pytest.raises(InvalidVerificationToken):
        verify_verification_token(token[:-2] + "xx", "partner_onboarding")
    access, _ = issue_access_token(PRINCIPAL)
    with pytest.raises(InvalidVerificationToken):
        verify_verification_token(access, "partner_onboarding")     # an access token is no proof
    with pytest.raises(InvalidToken):
        verify_access_token(token)                                   # and a proof is no access token
    clock.advance(timedelta(minutes=31))
    with pytest.raises(InvalidVerificationToken) as expired:
        verify_verification_token(token, "partner_onboarding")
    assert expired.value.code == "VERIFICATION_EXPIRED" and expired.value.status == 422


# ---- Argon2 --------------------------------------------------------------------------------------------------

def test_argon2id_hashes_verify_and_the_cheap_profile_is_for_tests_only():
    from argon2 import PasswordHasher

    from shared.auth import passwords

    hashed = passwords.hash_password("Kestrel#Lantern42")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "Kestrel#Lantern42")
    assert not passwords.verify_password(hashed, "kestrel#lantern42")
    assert not passwords.verify_password("garbage", "x") and not passwords.verify_password(None, "x")
    # A production-profile hash (argon2-cffi defaults) verifies too, and is not due for a rehash... in
    # production; under the test profile it is (parameters differ), which is what login's rehash relies on.
    strong = PasswordHasher().hash("Kestrel#Lantern42")
    assert passwords.verify_password(strong, "Kestrel#Lantern42")
    assert passwords.needs_rehash(strong) is True
    assert passwords.TEST_PROFILE["memory_cost"] < PasswordHasher().memory_cost



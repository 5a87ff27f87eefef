"""The password policy as pure rules (functions/auth/password_policy.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.auth.password_policy import (
    DEFAULT_POLICY,
    PasswordPolicy,
    generate_password,
    policy_from_settings,
    reminder_due,
    validate,
)

GOOD = "Kestrel#Lantern42"
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def rules(password: str, policy: PasswordPolicy = DEFAULT_POLICY, email: str | None = "asha.rao@example.com"):
    return [violation.rule for violation in validate(password, policy, email=email)]


def test_a_good_password_breaks_no_rule():
    assert rules(GOOD) == []


@pytest.mark.parametrize(("password", "rule"), [
    ("Ke#tr4l", "min_length"),
    ("Kestrel#Lantern42" + "x" * 120, "max_length"),
    ("kestrel#lantern42", "uppercase"),
    ("KESTREL#LANTERN42", "lowercase"),
    ("Kestrel#Lantern", "digit"),
    ("KestrelLantern42", "special"),
    ("Password1!", "common_password"),
    ("Dragon2024!!", "common_password"),
    ("Asha.Rao#2024x", "contains_email"),
    ("Xy7#ashaPlum", "contains_email"),
])
def test_each_rule_is_named_when_broken(password, rule):
    assert rules(password) == [rule]


def test_every_broken_rule_is_reported():
    assert rules("abc") == ["min_length", "uppercase", "digit", "special"]


def test_length_limits_are_inclusive():
    assert rules("Aa1#" + "q" * 4) == []                     # 8
    assert rules("Aa1#" + "qwzx" * 31) == []                 # 128
    assert rules("Aa1#" + "qwzx" * 31 + "z") == ["max_length"]


def test_short_email_names_do_not_forbid_everything():
    assert rules("Kestrel#Lantern42", email="al@example.com") == []
    assert rules("Kestrel#Lantern42", email="kes@example.com") == ["contains_email"]


def test_nist_mode_drops_composition_and_expiry_but_keeps_blocklist_and_email_rule():
    nist = PasswordPolicy(nist_mode=True)
    assert rules("correct horse battery", nist) == []                 # no upper, digit or special needed
    assert rules("shortpassphrase", nist) == []                      # 15 characters
    assert rules("short passphr", nist) == ["min_length"]            # 13 < 15
    assert rules("passwordpassword", nist) == []                      # not in the list as a whole
    assert rules("iloveyou1234567!", nist) == ["common_password"]    # the decorated common word
    assert rules("asha.rao likes long walks", nist) == ["contains_email"]
    assert nist.effective().expiry_days is None
    assert nist.is_expired(NOW - timedelta(days=400), NOW) is False


def test_expiry_after_90_days():
    assert DEFAULT_POLICY.is_expired(NOW - timedelta(days=89, hours=23), NOW) is False
    assert DEFAULT_POLICY.is_expired(NOW - timedelta(days=90), NOW) is True
    assert DEFAULT_POLICY.is_expired(None, NOW) is False


def test_policy_from_settings_reads_the_settings_api_keys_and_clamps():
    policy = policy_from_settings({"minLength": 12, "requireSpecial": False, "blocklist": False, "historyCount": 3,
                                   "expiryDays": 0, "expiryReminderDays": [7, 1], "nistMode": False,
                                   "nistMinLength": 16, "unknown": 1})
    assert (policy.min_length, policy.require_special) == (12, False)
    assert (policy.block_common, policy.history_count) == (False, 3)
    assert policy.expiry_days is None and policy.reminder_days == (7, 1) and policy.nist_min_length == 16
    assert policy_from_settings({"minLength": 4}).min_length == 8          # never below the floor
    assert policy_from_settings({"minLength": "x"}).min_length == 8        # bad values ignored
    assert policy_from_settings(None) == DEFAULT_POLICY
    assert PasswordPolicy(nist_mode=True, nist_min_length=20).effective().min_length == 20


def test_reminders_once_per_milestone_even_after_missed_runs():
    changed = NOW - timedelta(days=80)                     # expires in 10 days
    assert reminder_due(DEFAULT_POLICY, changed, NOW) == 14
    assert reminder_due(DEFAULT_POLICY, changed, NOW, already_sent=[14]) is None
    late = NOW - timedelta(days=89, hours=12)              # 12 hours left: 1-day milestone
    assert reminder_due(DEFAULT_POLICY, late, NOW, already_sent=[14]) == 1
    assert reminder_due(DEFAULT_POLICY, NOW - timedelta(days=10), NOW) is None
    assert reminder_due(PasswordPolicy(nist_mode=True), late, NOW) is None


def test_generated_passwords_meet_the_policy():
    for _ in range(20):
        password = generate_password(DEFAULT_POLICY)
        assert len(password) == 20
        assert validate(password, DEFAULT_POLICY, email="someone@example.com") == []
    assert len(generate_password(PasswordPolicy(min_length=30))) == 30

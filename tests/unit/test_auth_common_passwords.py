"""functions/auth/common_passwords.py: the blocklist of common passwords."""
from __future__ import annotations

from functions.auth.common_passwords import blocklist, is_common

GOOD = "Kestrel#Lantern42"


def test_blocklist_has_at_least_10000_entries_and_is_case_insensitive():
    assert len(blocklist()) >= 10_000
    assert is_common("PASSWORD") and is_common("letmein") and is_common("Qwerty")
    assert not is_common(GOOD)

"""One-time codes (DOMAIN.md "OTP"): pure rules; the service stores and sends.

6 digits from the OS's cryptographic generator, stored only as a keyed hash, valid 10 minutes, at
most 3 wrong tries: after the third wrong guess the code is dead, so a 4th guess fails even when right.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_WRONG_TRIES = 3


def generate_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isdigit()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str | None = None       # OTP_INVALID, OTP_EXPIRED, OTP_USED, OTP_TOO_MANY_TRIES
    wrong_tries: int = 0            # the count to store after this guess
    attempts_left: int = 0


def judge(*, code_matches: bool, wrong_tries: int, expires_at: datetime, consumed: bool, now: datetime) -> Verdict:
    """The outcome of one guess at a stored challenge."""
    if consumed:
        return Verdict(False, "OTP_USED", wrong_tries, 0)
    if wrong_tries >= MAX_WRONG_TRIES:
        return Verdict(False, "OTP_TOO_MANY_TRIES", wrong_tries, 0)
    if expires_at <= now:
        return Verdict(False, "OTP_EXPIRED", wrong_tries, 0)
    if code_matches:
        return Verdict(True, None, wrong_tries, MAX_WRONG_TRIES - wrong_tries)
    tries = wrong_tries + 1
    left = MAX_WRONG_TRIES - tries
    return Verdict(False, "OTP_INVALID" if left else "OTP_TOO_MANY_TRIES", tries, left)

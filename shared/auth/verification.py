"""Verification tokens: proof that the caller received an OTP at a destination, for one purpose.

`POST /api/auth/otp/verify` returns one; the flows that need a verified e-mail or mobile (partner
onboarding, changing a phone or e-mail) take it back and call `verify_verification_token(token,
purpose)`, which returns the verified destination (a case-folded e-mail or an E.164 mobile).

A short-lived JWT (shared/auth/signed.py) with its own audience, so it can never pass as an
access token (and an access token never passes as one of these).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.auth import signed
from shared.errors import ApiError

VERIFICATION_TTL = timedelta(minutes=30)
AUDIENCE = "tradehub-verification"
ISSUER, ALGORITHM = signed.ISSUER, signed.ALGORITHM
PURPOSES = ("partner_onboarding", "change_mobile", "change_email", "sensitive_action")


class InvalidVerificationToken(ApiError):
    """422: the verification token is missing, forged, expired, or for another purpose."""

    status, code = 422, "VERIFICATION_INVALID"


def issue_verification_token(destination: str, purpose: str, channel: str) -> tuple[str, int]:
    """(token, lifetime in seconds) proving `destination` was verified for `purpose` via `channel`."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown verification purpose {purpose!r}")
    token, _ = signed.sign(AUDIENCE, destination, VERIFICATION_TTL, {"purpose": purpose, "channel": channel})
    return token, int(VERIFICATION_TTL.total_seconds())


def verification_claims(token: str, purpose: str) -> dict[str, Any]:
    """The claims of a valid token for `purpose` (sub = destination, channel); InvalidVerificationToken else."""
    if not token or not isinstance(token, str):
        raise _invalid("A verification token is required")
    try:
        claims = signed.verify(token, AUDIENCE)
    except signed.TokenRejected as rejected:
        if rejected.expired:
            raise _invalid("The verification token has expired; verify the code again",
                           "VERIFICATION_EXPIRED") from None
        raise _invalid("The verification token is not valid") from None
    if claims.get("purpose") != purpose:
        raise _invalid("The verification token was issued for another purpose")
    return claims


def verify_verification_token(token: str, purpose: str) -> str:
    """The destination (case-folded e-mail or E.164 mobile) that `token` proves for `purpose`."""
    return verification_claims(token, purpose)["sub"]


def _invalid(message: str, code: str = "VERIFICATION_INVALID") -> InvalidVerificationToken:
    return InvalidVerificationToken(code, message, {"fields": [
        {"field": "verificationToken", "message": message, "rule": "verification"}]})

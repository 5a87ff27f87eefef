"""Verification tokens (shared/auth/verification.py): bound to destination and purpose, never access tokens."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from shared.auth.principal import BACK_OFFICE, Principal
from shared.auth.tokens import InvalidToken, issue_access_token, verify_access_token
from shared.auth.verification import InvalidVerificationToken, issue_verification_token, verify_verification_token

PRINCIPAL = Principal(user_id="u1", session_id="s1", kind=BACK_OFFICE, role="ADMIN",
                      permissions=frozenset({"users:read"}), organization_ids=("org-a",), branch_ids=("b1",))


@pytest.fixture(autouse=True)
def _clock():
    clock.reset()
    yield
    clock.reset()


def test_verification_token_binds_destination_and_purpose():
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

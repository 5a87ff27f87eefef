"""The identity pieces the partners function uses (shared/auth), behind one small seam.

- `verify_verification_token(token, purpose) -> destination`: proves an OTP check of an e-mail address
  or a mobile number (POST /api/auth/otp/verify) for partner onboarding;
- `create_partner_primary_user(uow, ...) -> (user_id, invite_token)`: the approved partner's first user,
  written inside the approval transaction; `send_invite_email` after the commit.
"""
from __future__ import annotations

from typing import Any

from shared.errors import ApiError, Unprocessable

ONBOARDING_PURPOSE = "partner_onboarding"


def verified_destination(token: str, purpose: str, field: str) -> str:
    """The e-mail or E.164 mobile that `token` proves was verified by OTP; 422 naming `field` otherwise."""
    from shared.auth.verification import verify_verification_token

    try:
        return verify_verification_token(token, purpose)
    except ApiError as error:
        if error.status >= 500:
            raise
        raise Unprocessable(error.code, error.message,
                            {"fields": [{"field": field, "message": error.message, "rule": "verification"}]}) from None


def create_primary_user(uow: Any, partner_id: str, email: str, name: str, mobile: str | None) -> tuple[str, str]:
    from shared.auth.users import create_partner_primary_user

    return create_partner_primary_user(uow, partner_id, email, name, mobile)


def send_invite(email: str, name: str, invite_token: str, partner_name: str | None, user_id: str) -> bool:
    """The set-password invitation; a failed send is logged and recorded by identity, never raised."""
    from shared.auth.users import send_invite_email

    return send_invite_email(email, name, invite_token, partner_name=partner_name, user_id=user_id)

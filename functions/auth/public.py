"""What other groups may use of the auth group (the only module of it they import).

- proofs of an OTP check: `verified_destination(token, purpose, field)` (422 naming the field);
- a partner's accounts: `create_partner_primary_user(uow, ...)` inside the caller's transaction and
  `send_invite(...)` after its commit;
- the directory: `users_by_id`, `partner_users`, `staff_with_permission`, `staff_member_with_permission`
  (contacts and permissions, auth's own rule), read inside the caller's unit of work.
- organization memberships: `add_creator_membership(uow, user_id, session_id, org_id)` in the
  organization's creation transaction, `organization_user_count(org_id)` (masters' delete check);
- its typed domain events (functions/auth/events.py), for `uow.emit(...)` and the notifications catalog.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from functions.auth.directory import (
    UserContact,
    is_active,
    partner_users,
    staff_member_with_permission,
    staff_with_permission,
    users_by_id,
)
from functions.auth.events import (
    AccountLocked,
    NewDeviceSignIn,
)
from functions.auth.mail import send_invite_email
from functions.auth.memberships import add_creator_membership, organization_user_count
from functions.auth.partner_accounts import create_partner_primary_user as create
from shared.auth.verification import verify_verification_token
from shared.errors import ApiError, Unprocessable

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

__all__ = [
    "ONBOARDING_PURPOSE",
    "AccountLocked",
    "NewDeviceSignIn",
    "UserContact",
    "add_creator_membership",
    "create_partner_primary_user",
    "is_active",
    "organization_user_count",
    "partner_users",
    "send_invite",
    "staff_member_with_permission",
    "staff_with_permission",
    "users_by_id",
    "verified_destination",
]

ONBOARDING_PURPOSE = "partner_onboarding"


def verified_destination(token: str, purpose: str, field: str) -> str:
    """The e-mail or E.164 mobile that `token` proves was verified by OTP; 422 naming `field` otherwise."""
    try:
        return verify_verification_token(token, purpose)
    except ApiError as error:
        if error.status >= 500:
            raise
        raise Unprocessable(error.code, error.message,
                            {"fields": [{"field": field, "message": error.message, "rule": "verification"}]}) from None


def create_partner_primary_user(uow: UnitOfWork, partner_id: str, email: str, name: str,
                                mobile: str | None) -> tuple[str, str]:
    """(user id, invite token) of the approved partner's first user, written in `uow` (409 EMAIL_TAKEN)."""
    return create(uow, partner_id, email, name, mobile)


def send_invite(email: str, name: str, invite_token: str, partner_name: str | None, user_id: str) -> bool:
    """The set-password invitation (after the commit); a failed send is logged and recorded, never raised."""
    return send_invite_email(email, name, invite_token, partner_name=partner_name, user_id=user_id)

"""User documents, the e-mail uniqueness index and invites (the auth services' shared pieces).

Documents:
- `users/{userId}`: email (case-folded, unique), name, kind, role, grants, revocations, partnerId,
  organizationIds, branchIds, status (INVITED, ACTIVE, DISABLED, DELETED), password fields, lockout.
- `userEmails/{sha256(email)}`: {userId}; created with the user, so two users can never share an e-mail.
- `invites/{sha256(token)}`: a set-password link (7 days, single use); `users.inviteId` names the live one.
- `partnerUsers/{partnerId}`: the partner's primary user and its sub-user seats (counted in a transaction).
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from shared import clock
from shared.auth.opaque import new_token, token_hash
from shared.auth.principal import BACK_OFFICE, PARTNER
from shared.db import collection, stamp_new
from shared.errors import Conflict

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

USERS = "users"
USER_EMAILS = "userEmails"
INVITES = "invites"
PARTNER_USERS = "partnerUsers"
INVITE_TTL = timedelta(days=7)

INVITED, ACTIVE, DISABLED, DELETED = "INVITED", "ACTIVE", "DISABLED", "DELETED"
PARTNER_PRIMARY, PARTNER_SUB_USER = "PARTNER_PRIMARY", "PARTNER_SUB_USER"

# Never shown in an API answer nor copied into an audit entry.
PRIVATE_FIELDS = frozenset({"passwordHash", "passwordHistory", "inviteId", "knownDevices", "failedLoginCount",
                            "lockedUntil"})


def email_key(email: str) -> str:
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def email_index_ref(email: str) -> Any:
    return collection(USER_EMAILS).document(email_key(email))


def user_ref(user_id: str) -> Any:
    return collection(USERS).document(user_id)


def new_user_id() -> str:
    return uuid.uuid4().hex[:20]


def public_view(user: dict[str, Any]) -> dict[str, Any]:
    """The user document without password, invite and lockout internals (for audit before/after)."""
    return {k: v for k, v in user.items() if k not in PRIVATE_FIELDS}


def check_email_available(uow: UnitOfWork, email: str) -> None:
    """409 EMAIL_TAKEN when a user already has `email`. One read: call it in your read phase."""
    if uow.get(email_index_ref(email)).exists:
        raise Conflict("EMAIL_TAKEN", "A user with this e-mail already exists", {"field": "email"})


def new_user_doc(*, email: str, name: str, kind: str, role: str, actor_id: str | None,
                 organization_ids: list[str] | None = None, partner_id: str | None = None,
                 mobile: str | None = None, grants: list[str] | None = None, revocations: list[str] | None = None,
                 branch_ids: list[str] | None = None, primary_user_id: str | None = None) -> dict[str, Any]:
    if kind not in (BACK_OFFICE, PARTNER):
        raise ValueError(f"unknown user kind {kind!r}")
    return stamp_new({
        "email": email.strip().casefold(),
        "name": name.strip(),
        "kind": kind,
        "role": role,
        "grants": sorted(set(grants or ())),
        "revocations": sorted(set(revocations or ())),
        "organizationIds": list(organization_ids or ()),
        "partnerId": partner_id,
        "branchIds": list(branch_ids or ()),
        "primaryUserId": primary_user_id,
        "mobile": mobile,
        "status": INVITED,
        "passwordHash": None,
        "passwordHistory": [],
        "passwordChangedAt": None,
        "mustChangePassword": False,
        "failedLoginCount": 0,
        "lockedUntil": None,
        "lastLoginAt": None,
        "knownDevices": [],
        "inviteId": None,
        "invitedAt": None,
        "disabledAt": None,
    }, actor_id)


def create_user(uow: UnitOfWork, user_id: str, doc: dict[str, Any]) -> None:
    """Write a new user and its e-mail index entry (the index create fails the commit on a duplicate)."""
    uow.create(collection(USER_EMAILS).document(email_key(doc["email"])), {"userId": user_id, "createdAt": clock.now()})
    uow.create(user_ref(user_id), doc)


def issue_invite(uow: UnitOfWork, user_id: str, user: dict[str, Any], *, invited_by: str | None,
                 ttl: timedelta = INVITE_TTL) -> tuple[str, dict]:
    """Write a new invite for `user` (replacing any earlier link); (token, fields to merge into the user)."""
    token = new_token()
    invite_id = token_hash(token)
    moment = clock.now()
    uow.create(collection(INVITES).document(invite_id), {
        "userId": user_id,
        "email": user["email"],
        "kind": user["kind"],
        "partnerId": user.get("partnerId"),
        "invitedBy": invited_by,
        "createdAt": moment,
        "expiresAt": moment + ttl,
        "acceptedAt": None,
    })
    return token, {"inviteId": invite_id, "invitedAt": moment, "inviteExpiresAt": moment + ttl}


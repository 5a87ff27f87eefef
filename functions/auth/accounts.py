"""What the auth services share: reading users, roles and the password policy, building principals
and the API views of a user. No HTTP here, and no transaction of its own."""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from functions.auth.password_policy import DEFAULT_POLICY, PasswordPolicy, policy_from_settings
from functions.masters.public import settings_from
from functions.masters.public import settings_ref as masters_settings_ref
from shared import clock
from shared.auth.permissions import BASELINE_PERMISSIONS, BUILT_IN_ROLES, effective_permissions
from shared.auth.principal import Principal
from shared.auth.users import ACTIVE, DELETED, USERS, user_ref
from shared.db import collection, read_document, stamp_update
from shared.errors import NotFound

if TYPE_CHECKING:
    from functions.masters.public import LockoutPolicy
    from shared.uow import UnitOfWork

ROLES = "roles"
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
PARTNER_ROLES = frozenset({"PARTNER_PRIMARY", "PARTNER_SUB_USER"})


def settings_ref(user: dict[str, Any]) -> Any:
    """The settings document whose `passwordPolicy` applies to `user`: its first organization's, or
    `settings/global` for partner users (who belong to no organization)."""
    org_ids = user.get("organizationIds") or []
    return masters_settings_ref(org_ids[0] if org_ids else None)


def policy_from(snapshot: Any) -> PasswordPolicy:
    if snapshot is None or not snapshot.exists:
        return DEFAULT_POLICY
    return policy_from_settings((snapshot.to_dict() or {}).get("passwordPolicy"))


def lockout_policy_from(snapshot: Any) -> LockoutPolicy:
    """The organization's typed lockoutPolicy (masters owns the settings and their model)."""
    return settings_from(snapshot).lockout_policy


def setting(snapshot: Any, key: str, default: Any) -> Any:
    if snapshot is None or not snapshot.exists:
        return default
    value = (snapshot.to_dict() or {}).get(key)
    return default if value is None else value


def role_ref(name: str) -> Any:
    return collection(ROLES).document(name)


def is_built_in(role: str) -> bool:
    return role in BUILT_IN_ROLES


def role_permissions(role: str, role_doc: dict[str, Any] | None) -> frozenset[str]:
    """A role's permission set: built-in from code, custom from its `roles/{name}` document."""
    if role in BUILT_IN_ROLES:
        return BUILT_IN_ROLES[role]
    if role_doc and role_doc.get("deletedAt") is None:
        return frozenset(role_doc.get("permissions") or ())
    return frozenset()


def permissions_of(user: dict[str, Any], role_doc: dict[str, Any] | None) -> frozenset[str]:
    return effective_permissions(role_permissions(user.get("role", ""), role_doc), user.get("grants"),
                                 user.get("revocations"))


def password_change_required(user: dict[str, Any], policy: PasswordPolicy, now: datetime | None = None) -> bool:
    """An admin-issued temporary password, or a password past the policy's expiry."""
    if user.get("mustChangePassword"):
        return True
    return policy.is_expired(user.get("passwordChangedAt"), now or clock.now())


def principal_for(user_id: str, user: dict[str, Any], session_id: str, role_doc: dict[str, Any] | None,
                  *, restricted: bool) -> Principal:
    permissions = BASELINE_PERMISSIONS if restricted else permissions_of(user, role_doc)
    return Principal(
        user_id=user_id,
        session_id=session_id,
        kind=user.get("kind", ""),
        role=user.get("role", ""),
        permissions=frozenset(permissions),
        partner_id=user.get("partnerId"),
        organization_ids=tuple(user.get("organizationIds") or ()),
        restricted=restricted,
        branch_ids=tuple(user.get("branchIds") or ()),
    )


def valid_id(value: str | None) -> bool:
    """A path id we could have issued (Firestore refuses some ids, e.g. `..` or `__x__`)."""
    return bool(value) and len(value) <= 64 and ID_PATTERN.match(value) is not None and not value.startswith("__")


def read_user(user_id: str, uow: UnitOfWork | None = None) -> tuple[Any, dict[str, Any]]:
    """(reference, document) of a live user; 404 USER_NOT_FOUND when missing or deleted."""
    if not valid_id(user_id):
        raise NotFound("USER_NOT_FOUND", "No such user")
    ref = user_ref(user_id)
    snapshot = uow.get(ref) if uow is not None else read_document(ref)
    data = snapshot.to_dict() if snapshot.exists else None
    if not data or data.get("status") == DELETED:
        raise NotFound("USER_NOT_FOUND", "No such user")
    return ref, data


def write_user(uow: UnitOfWork, ref: Any, current: dict[str, Any], changes: dict[str, Any],
               actor_id: str | None) -> dict[str, Any]:
    """Update a user in the unit of work with a new version (anything a user view shows may have
    changed, so a stale If-Match must fail); the document as it will be."""
    stamped = stamp_update(changes, actor_id, int(current.get("version", 1)))
    uow.update(ref, stamped)
    return {**current, **stamped}


def find_by_email(email: str) -> tuple[str, dict[str, Any]] | None:
    """(user_id, document) of the live user with this (case-folded) e-mail; one query read."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = collection(USERS).where(filter=FieldFilter("email", "==", email)).limit(1)
    for snapshot in query.stream():
        data = snapshot.to_dict() or {}
        if data.get("status") != DELETED:
            return snapshot.id, data
    return None


def auth_user_view(user_id: str, user: dict[str, Any], permissions: frozenset[str] | set[str]) -> dict[str, Any]:
    return {
        "id": user_id,
        "email": user.get("email"),
        "name": user.get("name", ""),
        "kind": user.get("kind", ""),
        "role": user.get("role", ""),
        "permissions": sorted(permissions),
        "partnerId": user.get("partnerId"),
        "organizationIds": list(user.get("organizationIds") or ()),
        "branchIds": list(user.get("branchIds") or ()),
        "lastLoginAt": user.get("lastLoginAt"),
    }


def user_view(user_id: str, user: dict[str, Any], role_doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """The API view of a user for administrators (no password, invite or device internals)."""
    now = clock.now()
    locked_until = user.get("lockedUntil")
    invite_expires = user.get("inviteExpiresAt") if user.get("status") == "INVITED" else None
    return {
        "id": user_id,
        "email": user.get("email"),
        "name": user.get("name", ""),
        "kind": user.get("kind", ""),
        "role": user.get("role", ""),
        "status": user.get("status", ACTIVE),
        "permissions": sorted(permissions_of(user, role_doc)),
        "grants": list(user.get("grants") or ()),
        "revocations": list(user.get("revocations") or ()),
        "organizationIds": list(user.get("organizationIds") or ()),
        "partnerId": user.get("partnerId"),
        "branchIds": list(user.get("branchIds") or ()),
        "primaryUserId": user.get("primaryUserId"),
        "mobile": user.get("mobile"),
        "locked": bool(locked_until and locked_until > now),
        "mustChangePassword": bool(user.get("mustChangePassword")),
        "lastLoginAt": user.get("lastLoginAt"),
        "passwordChangedAt": user.get("passwordChangedAt"),
        "inviteExpiresAt": invite_expires,
        "createdAt": user.get("createdAt"),
        "updatedAt": user.get("updatedAt"),
        "version": user.get("version", 1),
    }

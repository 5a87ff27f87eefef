"""Who the users are, for other groups (through auth.public): contacts and permission look-ups.

Reads only, inside the caller's unit of work: one batched read for named users, one bounded query per
partner or organization, one batched read of the custom roles involved. Permissions are auth's own
rule (accounts.permissions_of: role + grants - revocations + baseline; `module:*` and `*` cover).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from functions.auth import accounts
from shared.auth.principal import BACK_OFFICE
from shared.auth.users import USERS, user_ref
from shared.db import collection, get_all

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

INACTIVE_STATUSES = frozenset({"DISABLED", "INACTIVE", "DELETED", "REVOKED", "BLOCKED"})


@dataclass(frozen=True)
class UserContact:
    user_id: str
    name: str | None
    email: str | None
    mobile: str | None           # E.164
    kind: str | None
    partner_id: str | None
    active: bool


def is_active(user: dict[str, Any]) -> bool:
    status = str(user.get("status") or "").upper()
    return not (user.get("disabled") or user.get("disabledAt") or user.get("deletedAt")
                or status in INACTIVE_STATUSES)


def contact(user_id: str, user: dict[str, Any]) -> UserContact:
    return UserContact(user_id, user.get("name"), user.get("email"), user.get("mobile"), user.get("kind"),
                       user.get("partnerId"), is_active(user))


def grants(permissions: frozenset[str], permission: str) -> bool:
    module = permission.split(":", 1)[0]
    return bool({permission, f"{module}:*", "*"} & permissions)


def users_by_id(uow: UnitOfWork | None, user_ids: list[str]) -> dict[str, UserContact]:
    """The named users that exist (active or not), in one batched read (inside `uow` when given)."""
    ids = sorted({uid for uid in user_ids if uid and accounts.valid_id(uid)})
    if not ids:
        return {}
    refs = [user_ref(uid) for uid in ids]
    snapshots = uow.get_all(refs) if uow is not None else get_all(refs)
    return {s.id: contact(s.id, s.to_dict() or {}) for s in snapshots.values() if s.exists}


def partner_users(uow: UnitOfWork, partner_id: str, limit: int) -> list[UserContact]:
    """The partner's users (primary and sub-users), at most `limit`."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = collection(USERS).where(filter=FieldFilter("partnerId", "==", partner_id)).limit(limit)
    return [contact(s.id, s.to_dict() or {}) for s in uow.query(query)]


def staff_with_permission(uow: UnitOfWork, permission: str, org_id: str | None, limit: int
                          ) -> tuple[list[UserContact], bool]:
    """(back-office users of `org_id`, or of every organization when None, holding `permission`;
    whether the bounded read of `limit` users was full, so some may be missing)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    scope = (FieldFilter("organizationIds", "array_contains", org_id) if org_id
             else FieldFilter("kind", "==", BACK_OFFICE))
    staff = [(s.id, s.to_dict() or {}) for s in uow.query(collection(USERS).where(filter=scope).limit(limit))]
    full = len(staff) >= limit
    staff = [(uid, user) for uid, user in staff if not user.get("partnerId")]
    custom = sorted({str(user.get("role") or "") for _, user in staff} - set(accounts.BUILT_IN_ROLES) - {""})
    roles: dict[str, dict[str, Any]] = {}
    if custom:
        for snapshot in uow.get_all([accounts.role_ref(name) for name in custom]).values():
            if snapshot.exists:
                roles[snapshot.id] = snapshot.to_dict() or {}
    found = [contact(uid, user) for uid, user in staff
             if grants(_permissions(user, roles.get(str(user.get("role") or ""))), permission)]
    return found, full


def staff_member_with_permission(uow: UnitOfWork | None, user_id: str, permission: str, org_id: str | None
                                 ) -> UserContact | None:
    """The active back-office user `user_id` when it belongs to `org_id` (any organization when None) and
    holds `permission`; None otherwise (unknown, disabled, a partner user, another organization's)."""
    if not user_id or not accounts.valid_id(user_id):
        return None
    ref = user_ref(user_id)
    snapshot = uow.get(ref) if uow is not None else ref.get()
    user = snapshot.to_dict() if snapshot.exists else None
    if not user or user.get("partnerId") or user.get("kind") != BACK_OFFICE or not is_active(user):
        return None
    if org_id and org_id not in (user.get("organizationIds") or []):
        return None
    role = str(user.get("role") or "")
    role_doc = None
    if role and role not in accounts.BUILT_IN_ROLES and not isinstance(user.get("permissions"), (list, tuple)):
        role_snapshot = uow.get(accounts.role_ref(role)) if uow is not None else accounts.role_ref(role).get()
        role_doc = role_snapshot.to_dict() if role_snapshot.exists else None
    if not grants(_permissions(user, role_doc), permission):
        return None
    return contact(user_id, user)


def _permissions(user: dict[str, Any], role_doc: dict[str, Any] | None) -> frozenset[str]:
    stored = user.get("permissions")
    if isinstance(stored, (list, tuple, set, frozenset)):
        return frozenset(stored)
    return accounts.permissions_of(user, role_doc)

"""Roles: the built-in ones (from code, read-only) and custom roles admins define (`roles/{NAME}`).

A custom role is a named set of catalogue permissions for back-office users. Nobody defines a role
with permissions it does not hold itself. A role still assigned to a user cannot be deleted. Changes
are permission changes in the audit log. Permissions added reach the holders' sessions at their next
refresh; a permission taken away ends every session of every holder right after the change commits
(as a change of a user's own role does), so no access token keeps it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from functions.auth import accounts, sessions
from functions.auth.users_service import check_no_escalation, check_permission_names
from shared import clock
from shared.auth.permissions import BUILT_IN_ROLES, PERMISSIONS
from shared.auth.principal import Actor, Principal
from shared.auth.users import DELETED, USERS
from shared.db import collection, stamp_new, stamp_update
from shared.errors import Conflict, NotFound
from shared.http.etag import check_if_match
from shared.uow import run_in_transaction

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

MAX_CUSTOM_ROLES = 200
DESCRIPTIONS = {
    "ADMIN": "Everything, including users, roles, settings and the audit log",
    "SALES": "Partners (onboarding), trade desk and contracts",
    "ACCOUNTS": "Invoices, payments, commissions, KYC verification and approvals",
    "DISPUTE_MANAGER": "Disputes on contracts",
    "PARTNER_PRIMARY": "A partner's primary user: trading, own profile and sub-users",
    "PARTNER_SUB_USER": "A partner's sub-user: what its primary user gave it",
}


def built_in_view(name: str) -> dict[str, Any]:
    return {"name": name, "description": DESCRIPTIONS.get(name, ""), "permissions": sorted(BUILT_IN_ROLES[name]),
            "builtIn": True, "kind": "partner" if name in accounts.PARTNER_ROLES else "back_office",
            "version": None}


def custom_view(name: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "description": doc.get("description", ""),
            "permissions": sorted(doc.get("permissions") or ()), "builtIn": False, "kind": "back_office",
            "version": doc.get("version", 1)}


def permission_catalogue() -> dict[str, Any]:
    return {"items": [{"name": name, "description": text} for name, text in sorted(PERMISSIONS.items())],
            "nextPageToken": None}


def list_roles() -> dict[str, Any]:
    items = [built_in_view(name) for name in BUILT_IN_ROLES]
    custom = [custom_view(s.id, s.to_dict()) for s in collection(accounts.ROLES).limit(MAX_CUSTOM_ROLES).stream()
              if (s.to_dict() or {}).get("deletedAt") is None]
    return {"items": items + sorted(custom, key=lambda role: role["name"]), "nextPageToken": None}


def get_role(name: str) -> dict[str, Any]:
    if name in BUILT_IN_ROLES:
        return built_in_view(name)
    if not accounts.valid_id(name):
        raise NotFound("ROLE_NOT_FOUND", "No such role")
    snapshot = accounts.role_ref(name).get()
    doc = snapshot.to_dict() if snapshot.exists else None
    if not doc or doc.get("deletedAt") is not None:
        raise NotFound("ROLE_NOT_FOUND", "No such role")
    return custom_view(name, doc)


def create_role(principal: Principal, body: Any, actor: Actor) -> dict[str, Any]:
    if body.name in BUILT_IN_ROLES:
        raise Conflict("ROLE_EXISTS", "A built-in role has this name")
    check_permission_names(body.permissions, "permissions")
    check_no_escalation(principal, set(body.permissions))
    ref = accounts.role_ref(body.name)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        snapshot = uow.get(ref)
        existing = snapshot.to_dict() if snapshot.exists else None
        if existing and existing.get("deletedAt") is None:
            raise Conflict("ROLE_EXISTS", "A role with this name exists")
        doc = stamp_new({"name": body.name, "description": body.description,
                         "permissions": sorted(set(body.permissions))}, principal.user_id)
        if existing:
            doc["version"] = int(existing.get("version", 1)) + 1
        uow.set(ref, doc)
        uow.audit("role.created", "role", body.name, after={"permissions": doc["permissions"],
                                                            "description": body.description})
        return custom_view(body.name, doc)

    return run_in_transaction(work, actor)


def update_role(principal: Principal, name: str, body: Any, if_match: str | None, actor: Actor) -> dict[str, Any]:
    if name in BUILT_IN_ROLES:
        raise Conflict("ROLE_BUILT_IN", "Built-in roles cannot be changed; define a custom role")
    if not accounts.valid_id(name):
        raise NotFound("ROLE_NOT_FOUND", "No such role")
    if body.permissions is not None:
        check_permission_names(body.permissions, "permissions")
        check_no_escalation(principal, set(body.permissions))
    ref = accounts.role_ref(name)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        snapshot = uow.get(ref)
        doc = snapshot.to_dict() if snapshot.exists else None
        if not doc or doc.get("deletedAt") is not None:
            raise NotFound("ROLE_NOT_FOUND", "No such role")
        check_if_match(if_match, doc.get("version", 1))
        changes: dict[str, Any] = {}
        if body.description is not None:
            changes["description"] = body.description
        if body.permissions is not None:
            changes["permissions"] = sorted(set(body.permissions))
        stamped = stamp_update(changes, principal.user_id, doc.get("version", 1))
        uow.update(ref, stamped)
        removed = sorted(set(doc.get("permissions") or ()) - set(changes.get("permissions", doc.get("permissions"))))
        uow.audit("role.updated", "role", name, before={k: doc.get(k) for k in changes}, after=changes,
                  **({"permissionsRemoved": removed} if removed else {}))
        return custom_view(name, {**doc, **stamped}), removed

    view, removed = run_in_transaction(work, actor)
    if removed:
        end_holders_sessions(name, actor)
    return view


def end_holders_sessions(name: str, actor: Actor) -> int:
    """End every live session of every user holding role `name` (one transaction per user, after the
    role change committed: a role may be held by more users than one transaction may write); how many.
    Should the process stop in between, a holder's access token keeps the removed permissions until it
    expires (ACCESS_TOKEN_TTL, 15 minutes) and no longer: a refresh re-reads the role."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    ended = 0
    for holder in collection(USERS).where(filter=FieldFilter("role", "==", name)).stream():
        def work(uow: UnitOfWork, user_id: str = holder.id) -> int:
            count = sessions.revoke_all(uow, sessions.live_sessions(uow, user_id), "ACCESS_CHANGED")
            if count:
                uow.audit("user.sessions_ended", "user", user_id, reason="ROLE_CHANGED", role=name,
                          sessionsEnded=count)
            return count

        ended += run_in_transaction(work, actor)
    return ended


def delete_role(principal: Principal, name: str, actor: Actor) -> None:
    from google.cloud.firestore_v1.base_query import FieldFilter

    if name in BUILT_IN_ROLES:
        raise Conflict("ROLE_BUILT_IN", "Built-in roles cannot be deleted")
    if not accounts.valid_id(name):
        raise NotFound("ROLE_NOT_FOUND", "No such role")
    ref = accounts.role_ref(name)
    in_use = collection(USERS).where(filter=FieldFilter("role", "==", name)).limit(5)

    def work(uow: UnitOfWork) -> None:
        snapshot = uow.get(ref)
        doc = snapshot.to_dict() if snapshot.exists else None
        if not doc or doc.get("deletedAt") is not None:
            raise NotFound("ROLE_NOT_FOUND", "No such role")
        holders = [s for s in uow.query(in_use) if (s.to_dict() or {}).get("status") != DELETED]
        if holders:
            raise Conflict("ROLE_IN_USE", "Users still have this role; give them another role first",
                           {"users": [s.id for s in holders]})
        uow.update(ref, {"deletedAt": clock.now(), "version": int(doc.get("version", 1)) + 1})
        uow.audit("role.deleted", "role", name, before={"permissions": doc.get("permissions")})

    run_in_transaction(work, actor)

"""Back-office user administration (DOMAIN.md "Users, roles, sub-users"), and accepting invites.

Scope: an administrator sees back-office users who share at least one of its organizations (others
are 404), and partner users. It acts on a user (change, grants, disable, enable, delete, unlock,
re-invite, temporary password) only when that user's permissions and organizations are all within its
own (403 USER_OUTRANKS_CALLER): a user administrator cannot take over, demote or disable an ADMIN.
Nobody can hand out a permission it does not hold itself (403 PERMISSION_ESCALATION), nor disable,
delete or demote itself. Every change is one
transaction with its audit entry; role, grant and revocation changes are audited as permission changes.
A change of a user's role, grants, revocations or organizations ends its sessions at once, as
disabling or deleting it does (the guard checks the session on every call): no old token keeps old
power. A custom role's own permission change still reaches sessions at their next refresh.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from functions.auth import accounts, sessions
from functions.auth.mail import send_invite_email
from functions.auth.password_policy import generate_password
from functions.auth.password_service import as_link_user, load_policy, password_fields, password_from_link
from shared import clock
from shared.auth.opaque import token_hash
from shared.auth.passwords import hash_password
from shared.auth.permissions import BUILT_IN_ROLES, unknown_permissions
from shared.auth.principal import BACK_OFFICE, Actor, Principal
from shared.auth.users import (
    ACTIVE,
    DELETED,
    DISABLED,
    INVITE_TTL,
    INVITED,
    PARTNER_USERS,
    USER_EMAILS,
    USERS,
    check_email_available,
    create_user,
    email_key,
    issue_invite,
    new_user_doc,
    new_user_id,
    public_view,
)
from shared.db import collection, stamp_update
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable, field_error
from shared.http.etag import check_if_match
from shared.http.pagination import page
from shared.uow import run_in_transaction
from shared.validators import InvalidValue, email, mobile

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

INVITES = "invites"


# ---- checks ------------------------------------------------------------------------------------------------

def check_permission_names(names: list[str], field: str) -> None:
    unknown = unknown_permissions(names)
    if unknown:
        raise Unprocessable("UNKNOWN_PERMISSION", f"Unknown permission(s): {', '.join(unknown)}",
                            {"fields": [{"field": field, "message": f"Unknown permission {name}", "rule": "permission"}
                                        for name in unknown]})


def check_no_escalation(principal: Principal, permissions: frozenset[str] | set[str]) -> None:
    missing = sorted(name for name in permissions if not principal.has(name))
    if missing:
        raise Forbidden("PERMISSION_ESCALATION", "You cannot hand out permissions you do not hold",
                        {"permissions": missing})


def in_scope(principal: Principal, user: dict[str, Any]) -> bool:
    if user.get("kind") != BACK_OFFICE:
        return principal.is_back_office
    return bool(set(user.get("organizationIds") or ()) & set(principal.organization_ids))


def _scoped_user(principal: Principal, user_id: str, uow: UnitOfWork | None = None) -> tuple[Any, dict[str, Any]]:
    ref, user = accounts.read_user(user_id, uow)
    if not in_scope(principal, user):
        raise NotFound("USER_NOT_FOUND", "No such user")
    return ref, user


def outranking(principal: Principal, user: dict[str, Any], role_doc: dict[str, Any] | None) -> dict[str, list[str]]:
    """What of `user` is beyond `principal`: permissions it lacks, organizations it does not administer."""
    permissions = sorted(name for name in accounts.permissions_of(user, role_doc) if not principal.has(name))
    organizations = sorted(set(user.get("organizationIds") or ()) - set(principal.organization_ids))
    return {key: value for key, value in (("permissions", permissions), ("organizationIds", organizations))
            if value}


def check_within_caller(principal: Principal, user: dict[str, Any], uow: UnitOfWork | None = None
                        ) -> dict[str, Any] | None:
    """403 USER_OUTRANKS_CALLER unless every permission and organization of `user` is the caller's too;
    the user's custom role document (None for a built-in role)."""
    role_doc = None
    if not accounts.is_built_in(user.get("role", "")) and accounts.valid_id(user.get("role")):
        ref = accounts.role_ref(user["role"])
        snapshot = uow.get(ref) if uow is not None else ref.get()
        role_doc = snapshot.to_dict() if snapshot.exists else None
    beyond = outranking(principal, user, role_doc)
    if beyond:
        raise Forbidden("USER_OUTRANKS_CALLER",
                        "This user has permissions or organizations you do not have; ask an administrator who "
                        "holds them all", beyond)
    return role_doc


def _acted_on(principal: Principal, user_id: str, uow: UnitOfWork | None = None
              ) -> tuple[Any, dict[str, Any], dict[str, Any] | None]:
    """A user in scope that the caller may act on: (reference, document, custom role document)."""
    ref, user = _scoped_user(principal, user_id, uow)
    return ref, user, check_within_caller(principal, user, uow)


def resolve_role(uow: UnitOfWork, role: str) -> tuple[frozenset[str], dict[str, Any] | None]:
    """(permissions, custom role doc) of a role a back-office user may have; 422 otherwise."""
    if role in accounts.PARTNER_ROLES:
        raise field_error("role", "Partner roles are given through partner approval and sub-user invites",
                          "INVALID_ROLE", rule="role")
    if role in BUILT_IN_ROLES:
        return BUILT_IN_ROLES[role], None
    if not accounts.valid_id(role):
        raise field_error("role", f"No role named {role}", "INVALID_ROLE", rule="role")
    snapshot = uow.get(accounts.role_ref(role))
    doc = snapshot.to_dict() if snapshot.exists else None
    if not doc or doc.get("deletedAt") is not None:
        raise field_error("role", f"No role named {role}", "INVALID_ROLE", rule="role")
    return frozenset(doc.get("permissions") or ()), doc


def _check_orgs(principal: Principal, org_ids: list[str]) -> None:
    outside = sorted(set(org_ids) - set(principal.organization_ids))
    if outside:
        raise field_error("organizationIds", f"You do not administer organization(s) {', '.join(outside)}",
                          "ORGANIZATION_OUT_OF_SCOPE", rule="scope")


def _mobile(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return mobile(value)
    except InvalidValue as error:
        raise field_error("mobile", error.message, rule=error.rule) from None


def _email(value: str) -> str:
    try:
        return email(value)
    except InvalidValue as error:
        raise field_error("email", error.message, rule=error.rule) from None


def invite_ttl(settings_snapshot: Any) -> timedelta:
    days = accounts.setting(settings_snapshot, "inviteExpiryDays", INVITE_TTL.days)
    try:
        return timedelta(days=max(1, min(int(days), 90)))
    except (TypeError, ValueError):
        return INVITE_TTL


def _view(user_id: str, user: dict[str, Any], uow: UnitOfWork | None = None) -> dict[str, Any]:
    role_doc = None
    if not accounts.is_built_in(user.get("role", "")):
        snapshot = uow.get(accounts.role_ref(user["role"])) if uow else accounts.role_ref(user["role"]).get()
        role_doc = snapshot.to_dict() if snapshot.exists else None
    return accounts.user_view(user_id, user, role_doc)


# ---- reads -------------------------------------------------------------------------------------------------

def list_users(principal: Principal, query: Any) -> dict[str, Any]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    base = collection(USERS)
    if query.partner_id:
        base = base.where(filter=FieldFilter("partnerId", "==", query.partner_id))
    else:
        org_ids = list(principal.organization_ids)[:30]
        if not org_ids:
            return {"items": [], "nextPageToken": None}
        base = base.where(filter=FieldFilter("organizationIds", "array_contains_any", org_ids))
    if query.status:
        base = base.where(filter=FieldFilter("status", "==", query.status))
    if query.role:
        base = base.where(filter=FieldFilter("role", "==", query.role))
    snapshots, next_token = page(base, [("createdAt", "DESCENDING")], query.page_size, query.page_token)
    items = [accounts.user_view(s.id, s.to_dict()) for s in snapshots
             if (s.to_dict() or {}).get("status") != DELETED]
    return {"items": items, "nextPageToken": next_token}


def get_user(principal: Principal, user_id: str) -> dict[str, Any]:
    _, user = _scoped_user(principal, user_id)
    return _view(user_id, user)


# ---- create and change ----------------------------------------------------------------------------------------

def create_back_office_user(principal: Principal, body: Any, actor: Actor) -> dict[str, Any]:
    email = _email(body.email)
    mobile = _mobile(body.mobile)
    check_permission_names(body.grants, "grants")
    check_permission_names(body.revocations, "revocations")
    _check_orgs(principal, body.organization_ids)
    user_id = new_user_id()

    def work(uow: UnitOfWork) -> tuple[dict[str, Any], str]:
        check_email_available(uow, email)
        role_permissions, role_doc = resolve_role(uow, body.role)
        settings_snapshot = uow.get(accounts.settings_ref({"organizationIds": body.organization_ids}))
        check_no_escalation(principal, (set(role_permissions) | set(body.grants)) - set(body.revocations))
        doc = new_user_doc(email=email, name=body.name, kind=BACK_OFFICE, role=body.role, actor_id=principal.user_id,
                           organization_ids=body.organization_ids, mobile=mobile, grants=body.grants,
                           revocations=body.revocations)
        token, invite_fields = issue_invite(uow, user_id, doc, invited_by=principal.user_id,
                                            ttl=invite_ttl(settings_snapshot))
        doc.update(invite_fields)
        create_user(uow, user_id, doc)
        uow.audit("user.created", "user", user_id, after=public_view(doc))
        uow.audit("user.invited", "user", user_id)
        return accounts.user_view(user_id, doc, role_doc), token

    view, token = run_in_transaction(work, actor)
    send_invite_email(email, body.name, token, user_id=user_id)
    return view


def update_user(principal: Principal, user_id: str, body: Any, if_match: str | None, actor: Actor) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if body.name is not None:
        changes["name"] = body.name
    if "mobile" in body.model_fields_set:
        changes["mobile"] = _mobile(body.mobile)
    if body.organization_ids is not None:
        _check_orgs(principal, body.organization_ids)
        changes["organizationIds"] = body.organization_ids

    def work(uow: UnitOfWork) -> dict[str, Any]:
        ref, user, role_doc = _acted_on(principal, user_id, uow)
        check_if_match(if_match, user.get("version", 1))
        if body.role is not None and body.role != user.get("role"):
            if user.get("kind") != BACK_OFFICE:
                raise field_error("role", "A partner user's role follows from primary or sub-user",
                                  "INVALID_ROLE", rule="role")
            if user_id == principal.user_id:
                raise Conflict("CANNOT_CHANGE_OWN_ROLE", "Ask another administrator to change your role")
            role_permissions, role_doc = resolve_role(uow, body.role)
            check_no_escalation(principal, (set(role_permissions) | set(user.get("grants") or ()))
                                - set(user.get("revocations") or ()))
            changes["role"] = body.role
        if "organizationIds" in changes and user.get("kind") != BACK_OFFICE:
            raise field_error("organizationIds", "Partner users belong to no organization", rule="scope")
        access_changed = "role" in changes or (
            "organizationIds" in changes and set(changes["organizationIds"]) != set(user.get("organizationIds") or ()))
        live = sessions.live_sessions(uow, user_id) if access_changed else []
        stamped = stamp_update(changes, principal.user_id, user.get("version", 1))
        updated = {**user, **stamped}
        uow.update(ref, stamped)
        ended = sessions.revoke_all(uow, live, "ACCESS_CHANGED")
        uow.audit("user.updated", "user", user_id, before=public_view(user), after=public_view(updated),
                  sessionsEnded=ended)
        if "role" in changes:
            uow.audit("user.permissions_changed", "user", user_id, before={"role": user.get("role")},
                      after={"role": changes["role"]})
        return accounts.user_view(user_id, updated, role_doc)

    return run_in_transaction(work, actor)


def set_permissions(principal: Principal, user_id: str, body: Any, if_match: str | None,
                    actor: Actor) -> dict[str, Any]:
    """Replace a user's per-user grants and revocations (a permission change in the audit log)."""
    check_permission_names(body.grants, "grants")
    check_permission_names(body.revocations, "revocations")
    check_no_escalation(principal, set(body.grants) | set(body.revocations))

    def work(uow: UnitOfWork) -> dict[str, Any]:
        ref, user, current_role = _acted_on(principal, user_id, uow)
        check_if_match(if_match, user.get("version", 1))
        if user.get("kind") != BACK_OFFICE:
            raise Conflict("PARTNER_USER_PERMISSIONS", "A partner's sub-user permissions are set by its primary user")
        changes = {"grants": sorted(set(body.grants)), "revocations": sorted(set(body.revocations))}
        changed = (changes["grants"] != sorted(set(user.get("grants") or ()))
                   or changes["revocations"] != sorted(set(user.get("revocations") or ())))
        live = sessions.live_sessions(uow, user_id) if changed else []
        stamped = stamp_update(changes, principal.user_id, user.get("version", 1))
        uow.update(ref, stamped)
        ended = sessions.revoke_all(uow, live, "ACCESS_CHANGED")
        uow.audit("user.permissions_changed", "user", user_id,
                  before={"grants": user.get("grants") or [], "revocations": user.get("revocations") or []},
                  after=changes, sessionsEnded=ended)
        updated = {**user, **stamped}
        return accounts.user_view(user_id, updated, current_role)

    return run_in_transaction(work, actor)


def _status_change(principal: Principal, user_id: str, actor: Actor, action: str, *, reason: str | None = None
                   ) -> dict[str, Any]:
    if user_id == principal.user_id:
        raise Conflict("CANNOT_CHANGE_SELF", "You cannot do this to your own account")

    def work(uow: UnitOfWork) -> dict[str, Any]:
        ref, user, _ = _acted_on(principal, user_id, uow)
        live = sessions.live_sessions(uow, user_id) if action in ("disable", "delete") else []
        seats_ref = (collection(PARTNER_USERS).document(user["partnerId"])
                     if action == "delete" and user.get("primaryUserId") else None)
        if seats_ref is not None:
            uow.get(seats_ref)
        version = user.get("version", 1)
        now = clock.now()
        if action == "disable":
            if user.get("status") == DISABLED:
                return accounts.user_view(user_id, user)
            changes = {"status": DISABLED, "disabledAt": now, "disabledReason": reason}
        elif action == "enable":
            if user.get("status") != DISABLED:
                return accounts.user_view(user_id, user)
            changes = {"status": ACTIVE if user.get("passwordHash") else INVITED, "disabledAt": None,
                       "disabledReason": None}
        else:  # delete: soft, and the e-mail is freed for a new account
            changes = {"status": DELETED, "deletedAt": now, "email": None, "deletedEmail": user.get("email"),
                       "inviteId": None}
        uow.update(ref, stamp_update(changes, principal.user_id, version))
        ended = sessions.revoke_all(uow, live, f"USER_{action.upper()}D")
        if action == "delete":
            if user.get("email"):
                uow.delete(collection(USER_EMAILS).document(email_key(user["email"])))
            if seats_ref is not None:
                from google.cloud.firestore_v1 import DELETE_FIELD

                uow.update(seats_ref, {f"subUsers.{user_id}": DELETE_FIELD})
        uow.audit(f"user.{action}d", "user", user_id, before={"status": user.get("status")},
                  after={"status": changes["status"]}, sessionsEnded=ended, reason=reason)
        return accounts.user_view(user_id, {**user, **changes, "version": version + 1})

    return run_in_transaction(work, actor)


def disable_user(principal: Principal, user_id: str, reason: str | None, actor: Actor) -> dict[str, Any]:
    return _status_change(principal, user_id, actor, "disable", reason=reason)


def enable_user(principal: Principal, user_id: str, actor: Actor) -> dict[str, Any]:
    return _status_change(principal, user_id, actor, "enable")


def delete_user(principal: Principal, user_id: str, actor: Actor) -> None:
    _status_change(principal, user_id, actor, "delete")


def unlock_user(principal: Principal, user_id: str, actor: Actor) -> dict[str, Any]:
    def work(uow: UnitOfWork) -> dict[str, Any]:
        ref, user, _ = _acted_on(principal, user_id, uow)
        updated = accounts.write_user(uow, ref, user, {"failedLoginCount": 0, "lockedUntil": None}, principal.user_id)
        uow.audit("user.unlocked", "user", user_id)
        return accounts.user_view(user_id, updated)

    return run_in_transaction(work, actor)


def resend_invite(principal: Principal, user_id: str, actor: Actor) -> dict[str, Any]:
    def work(uow: UnitOfWork) -> tuple[dict[str, Any], str]:
        ref, user, _ = _acted_on(principal, user_id, uow)
        settings_snapshot = uow.get(accounts.settings_ref(user))
        if user.get("status") != INVITED:
            raise Conflict("USER_NOT_INVITED", "Only a user who has not accepted its invite can be re-invited")
        token, fields = issue_invite(uow, user_id, user, invited_by=principal.user_id,
                                     ttl=invite_ttl(settings_snapshot))
        updated = accounts.write_user(uow, ref, user, fields, principal.user_id)
        uow.audit("user.invited", "user", user_id, resent=True)
        return accounts.user_view(user_id, updated), token

    view, token = run_in_transaction(work, actor)
    send_invite_email(view["email"], view["name"], token, user_id=user_id)
    return view


def issue_temporary_password(principal: Principal, user_id: str, actor: Actor) -> dict[str, Any]:
    """A random password the administrator hands over out of band (never by e-mail); the user must
    change it at its next sign-in. Ends the user's sessions."""
    if user_id == principal.user_id:
        raise Conflict("CANNOT_CHANGE_SELF", "Use /api/auth/password/change for your own password")
    _, seen, _ = _acted_on(principal, user_id)
    if seen.get("status") not in (ACTIVE, INVITED):
        raise Conflict("USER_NOT_ACTIVE", "The user is disabled; enable it first")

    policy = load_policy(seen)
    temporary = generate_password(policy)
    new_hash = hash_password(temporary)

    def work(uow: UnitOfWork) -> None:
        ref, user, _ = _acted_on(principal, user_id, uow)
        live = sessions.live_sessions(uow, user_id)
        changes = {**password_fields(new_hash, user, policy, must_change=True), "status": ACTIVE, "inviteId": None}
        accounts.write_user(uow, ref, user, changes, principal.user_id)
        ended = sessions.revoke_all(uow, live, "TEMPORARY_PASSWORD")
        uow.audit("user.temporary_password_issued", "user", user_id, sessionsEnded=ended)

    run_in_transaction(work, actor)
    return {"temporaryPassword": temporary, "mustChangePassword": True}


# ---- invites -----------------------------------------------------------------------------------------------

def _invite_invalid() -> Unprocessable:
    return field_error("token", "The invitation link is not valid or has expired; ask for a new one",
                       "INVITE_INVALID", rule="invite")


def accept_invite(token: str, password: str, actor: Actor) -> dict[str, Any]:
    """Set the first password from an invite link (single use, 7 days); the account becomes active."""
    invite_ref = collection(INVITES).document(token_hash(token))
    snapshot = invite_ref.get()
    invite = snapshot.to_dict() if snapshot.exists else None
    if not invite or invite.get("acceptedAt") is not None:
        raise _invite_invalid()
    if invite["expiresAt"] <= clock.now():
        raise field_error("token", "The invitation has expired; ask for a new one", "INVITE_EXPIRED", rule="invite")
    user_id = invite["userId"]
    try:
        _, user = accounts.read_user(user_id)
    except NotFound:
        raise _invite_invalid() from None

    policy, new_hash = password_from_link(user, password, "password")

    def work(uow: UnitOfWork) -> dict[str, Any]:
        current_invite = uow.get(invite_ref).to_dict()
        ref, current = accounts.read_user(user_id, uow)
        seats_ref = collection(PARTNER_USERS).document(current["partnerId"]) if current.get("primaryUserId") else None
        seats = uow.get(seats_ref).to_dict() if seats_ref is not None else None
        if (current_invite.get("acceptedAt") is not None or current.get("inviteId") != invite_ref.id
                or current.get("status") != INVITED or current_invite["expiresAt"] <= clock.now()):
            raise _invite_invalid()
        changes = {**password_fields(new_hash, current, policy), "status": ACTIVE, "inviteId": None,
                   "inviteExpiresAt": None}
        updated = accounts.write_user(uow, ref, current, changes, user_id)
        uow.update(invite_ref, {"acceptedAt": clock.now()})
        if seats_ref is not None and seats and user_id in (seats.get("subUsers") or {}):
            uow.update(seats_ref, {f"subUsers.{user_id}.status": ACTIVE})
        uow.audit("user.invite_accepted", "user", user_id, before={"status": INVITED}, after={"status": ACTIVE})
        return updated

    updated = run_in_transaction(work, as_link_user(actor, user_id, user))
    return _view(user_id, updated)

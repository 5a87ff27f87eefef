"""A partner's sub-users (DOMAIN.md "Users, roles, sub-users").

The primary user invites up to the limit (`subUserLimit`: the partner's own override, else
`settings/global`, else 2), each with a subset of the primary's own permissions (within the
PARTNER_SUB_USER role) and optionally a subset of the partner's branches. The seats live in
`partnerUsers/{partnerId}.subUsers` and are counted inside the invite's transaction, so two concurrent
invites cannot pass the limit. An invite that expired unaccepted frees its seat; revoking a sub-user
deletes it (softly), ends its sessions and frees its seat and e-mail.

Everything is scoped to the caller's partner: another partner's sub-user is 404.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from functions.auth import accounts, sessions
from functions.auth.mail import send_invite_email
from functions.auth.users_service import check_permission_names, invite_ttl
from functions.masters.public import settings_ref as masters_settings_ref
from functions.partners import public as partners_public
from functions.partners.public import branch_refs
from shared import clock
from shared.auth.permissions import BUILT_IN_ROLES
from shared.auth.principal import PARTNER, Actor, Principal
from shared.auth.users import (
    ACTIVE,
    DELETED,
    INVITED,
    PARTNER_SUB_USER,
    PARTNER_USERS,
    USER_EMAILS,
    check_email_available,
    create_user,
    email_key,
    issue_invite,
    new_user_doc,
    new_user_id,
    public_view,
    user_ref,
)
from shared.db import collection, get_all, stamp_update
from shared.errors import Conflict, Forbidden, NotFound, field_error
from shared.uow import run_in_transaction
from shared.validators import InvalidValue, email, mobile

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

DEFAULT_SUB_USER_LIMIT = 2


def _partner_of(principal: Principal) -> str:
    if principal.kind != PARTNER or not principal.partner_id:
        raise Forbidden("NOT_A_PARTNER_USER", "Only a partner's primary user manages its sub-users")
    return principal.partner_id


def seats_in_use(seats: dict[str, Any] | None, now: Any) -> int:
    """Accepted sub-users plus invites that have not expired."""
    used = 0
    for entry in ((seats or {}).get("subUsers") or {}).values():
        if entry.get("status") == ACTIVE or (entry.get("status") == INVITED and entry.get("inviteExpiresAt")
                                             and entry["inviteExpiresAt"] > now):
            used += 1
    return used


def allowed_permissions(principal: Principal) -> frozenset[str]:
    return frozenset(name for name in BUILT_IN_ROLES[PARTNER_SUB_USER] if principal.has(name))


def _check_subset(principal: Principal, permissions: list[str]) -> None:
    check_permission_names(permissions, "permissions")
    outside = sorted(set(permissions) - allowed_permissions(principal))
    if outside:
        raise field_error("permissions", f"Not yours to give: {', '.join(outside)}", "PERMISSIONS_NOT_SUBSET",
                          rule="subset")


def _branch_refs(partner_id: str, branch_ids: list[str]) -> list[Any]:
    return branch_refs(partner_id, branch_ids)


def _check_branches(snapshots: dict[str, Any], refs: list[Any]) -> None:
    missing = [ref.id for ref in refs
               if not snapshots.get(ref.path) or not snapshots[ref.path].exists
               or (snapshots[ref.path].to_dict() or {}).get("deletedAt") is not None]
    if missing:
        raise field_error("branchIds", f"Unknown branch(es): {', '.join(missing)}", "UNKNOWN_BRANCH", rule="branch")


def _sub_user_view(user_id: str, user: dict[str, Any]) -> dict[str, Any]:
    return accounts.user_view(user_id, user)


def list_sub_users(principal: Principal) -> dict[str, Any]:
    partner_id = _partner_of(principal)
    seats = collection(PARTNER_USERS).document(partner_id).get()
    entries = ((seats.to_dict() or {}).get("subUsers") or {}) if seats.exists else {}
    snapshots = get_all(user_ref(uid) for uid in entries)
    items = []
    for snapshot in snapshots.values():
        user = snapshot.to_dict() if snapshot.exists else None
        if user and user.get("status") != DELETED and user.get("partnerId") == partner_id:
            items.append(_sub_user_view(snapshot.id, user))
    items.sort(key=lambda item: item["createdAt"] or clock.now())
    return {"items": items, "nextPageToken": None}


def invite_sub_user(principal: Principal, body: Any, actor: Actor) -> dict[str, Any]:
    partner_id = _partner_of(principal)
    try:
        address = email(body.email)
    except InvalidValue as error:
        raise field_error("email", error.message, rule=error.rule) from None
    phone = None
    if body.mobile:
        try:
            phone = mobile(body.mobile)
        except InvalidValue as error:
            raise field_error("mobile", error.message, rule=error.rule) from None
    _check_subset(principal, body.permissions)
    if principal.branch_ids and not set(body.branch_ids) <= set(principal.branch_ids):
        raise field_error("branchIds", "You can only give access to your own branches", "BRANCH_NOT_SUBSET",
                          rule="subset")
    seats_ref = collection(PARTNER_USERS).document(partner_id)
    settings_ref = masters_settings_ref(None)      # partner users' settings
    partner_ref = partners_public.partner_ref(partner_id)
    branch_refs = _branch_refs(partner_id, body.branch_ids)
    user_id = new_user_id()

    def work(uow: UnitOfWork) -> tuple[dict[str, Any], str]:
        check_email_available(uow, address)
        snapshots = uow.get_all([seats_ref, settings_ref, partner_ref, *branch_refs])
        _check_branches(snapshots, branch_refs)
        seats_snapshot = snapshots.get(seats_ref.path)
        seats = seats_snapshot.to_dict() if seats_snapshot is not None and seats_snapshot.exists else None
        partner_snapshot = snapshots.get(partner_ref.path)
        limit = accounts.setting(partner_snapshot, "subUserLimit",
                                 accounts.setting(snapshots.get(settings_ref.path), "subUserLimit",
                                                  DEFAULT_SUB_USER_LIMIT))
        now = clock.now()
        used = seats_in_use(seats, now)
        if used >= int(limit):
            raise Conflict("SUB_USER_LIMIT_REACHED", f"A partner may have at most {limit} sub-user(s)",
                           {"limit": int(limit), "inUse": used})
        role_set = BUILT_IN_ROLES[PARTNER_SUB_USER]
        doc = new_user_doc(email=address, name=body.name, kind=PARTNER, role=PARTNER_SUB_USER,
                           actor_id=principal.user_id, partner_id=partner_id, mobile=phone,
                           revocations=sorted(role_set - set(body.permissions)),
                           branch_ids=sorted(set(body.branch_ids)), primary_user_id=principal.user_id)
        token, fields = issue_invite(uow, user_id, doc, invited_by=principal.user_id,
                                     ttl=invite_ttl(snapshots.get(settings_ref.path)))
        doc.update(fields)
        create_user(uow, user_id, doc)
        entry = {"status": INVITED, "inviteExpiresAt": fields["inviteExpiresAt"], "invitedAt": now}
        if seats is None:
            uow.set(seats_ref, {"partnerId": partner_id, "subUsers": {user_id: entry}, "updatedAt": now}, merge=True)
        else:
            uow.update(seats_ref, {f"subUsers.{user_id}": entry, "updatedAt": now})
        uow.audit("user.created", "user", user_id, after=public_view(doc), partnerId=partner_id)
        uow.audit("user.invited", "user", user_id, partnerId=partner_id, subUser=True)
        return _sub_user_view(user_id, doc), token

    view, token = run_in_transaction(work, actor)
    send_invite_email(address, body.name, token, user_id=user_id)
    return view


def _own_sub_user(principal: Principal, partner_id: str, user_id: str, uow: UnitOfWork) -> tuple[Any, dict]:
    try:
        ref, user = accounts.read_user(user_id, uow)
    except NotFound:
        raise NotFound("SUB_USER_NOT_FOUND", "No such sub-user") from None
    if user.get("partnerId") != partner_id or user.get("role") != PARTNER_SUB_USER:
        raise NotFound("SUB_USER_NOT_FOUND", "No such sub-user")
    return ref, user


def update_sub_user(principal: Principal, user_id: str, body: Any, actor: Actor) -> dict[str, Any]:
    partner_id = _partner_of(principal)
    if body.permissions is not None:
        _check_subset(principal, body.permissions)
    branch_refs = _branch_refs(partner_id, body.branch_ids or [])

    def work(uow: UnitOfWork) -> dict[str, Any]:
        ref, user = _own_sub_user(principal, partner_id, user_id, uow)
        if branch_refs:
            _check_branches(uow.get_all(branch_refs), branch_refs)
        changes: dict[str, Any] = {}
        if body.permissions is not None:
            changes["revocations"] = sorted(BUILT_IN_ROLES[PARTNER_SUB_USER] - set(body.permissions))
        if body.branch_ids is not None:
            if principal.branch_ids and not set(body.branch_ids) <= set(principal.branch_ids):
                raise field_error("branchIds", "You can only give access to your own branches",
                                  "BRANCH_NOT_SUBSET", rule="subset")
            changes["branchIds"] = sorted(set(body.branch_ids))
        stamped = stamp_update(changes, principal.user_id, user.get("version", 1))
        uow.update(ref, stamped)
        uow.audit("user.permissions_changed", "user", user_id, partnerId=partner_id,
                  before={"revocations": user.get("revocations") or [], "branchIds": user.get("branchIds") or []},
                  after={"revocations": changes.get("revocations", user.get("revocations") or []),
                         "branchIds": changes.get("branchIds", user.get("branchIds") or [])})
        return _sub_user_view(user_id, {**user, **stamped})

    return run_in_transaction(work, actor)


def revoke_sub_user(principal: Principal, user_id: str, actor: Actor) -> None:
    """Remove a sub-user (or withdraw its invite): soft delete, sessions ended, seat and e-mail freed."""
    from google.cloud.firestore_v1 import DELETE_FIELD

    partner_id = _partner_of(principal)
    seats_ref = collection(PARTNER_USERS).document(partner_id)

    def work(uow: UnitOfWork) -> None:
        ref, user = _own_sub_user(principal, partner_id, user_id, uow)
        seats = uow.get(seats_ref)
        live = sessions.live_sessions(uow, user_id)
        changes = {"status": DELETED, "deletedAt": clock.now(), "email": None, "deletedEmail": user.get("email"),
                   "inviteId": None}
        uow.update(ref, stamp_update(changes, principal.user_id, user.get("version", 1)))
        if user.get("email"):
            uow.delete(collection(USER_EMAILS).document(email_key(user["email"])))
        if seats.exists:
            uow.update(seats_ref, {f"subUsers.{user_id}": DELETE_FIELD})
        ended = sessions.revoke_all(uow, live, "SUB_USER_REVOKED")
        uow.audit("user.deleted", "user", user_id, partnerId=partner_id, before={"status": user.get("status")},
                  after={"status": DELETED}, sessionsEnded=ended, subUser=True)

    run_in_transaction(work, actor)

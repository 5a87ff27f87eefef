"""Who is told about an event: the catalog's recipient rules resolved to user documents.

Reads only (inside the fan-out transaction): one batched read for named users, one bounded query per
partner or organization rule. Users are the identity documents `users/{uid}` (email, name, mobile in
E.164, kind, role, partnerId, organizationIds, permissions or grants/revocations, status).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from functions.notifications.catalog import EventSpec, OrgPermissionRule, PartnerUsersRule, UserRule
from shared.auth.permissions import BUILT_IN_ROLES, effective_permissions
from shared.auth.principal import BACK_OFFICE
from shared.events.consumer import DomainEvent
from shared.logging import get_logger, log

USERS = "users"
ROLES = "roles"
# A partner has a primary user and a few sub-users; an organization's back office is a few dozen people.
# The bounds keep one fan-out inside Firestore's 500-writes-per-transaction limit (4 writes per user at most).
MAX_PARTNER_USERS = 25
MAX_ORG_USERS = 80
INACTIVE_STATUSES = {"DISABLED", "INACTIVE", "DELETED", "REVOKED", "BLOCKED"}
logger = get_logger("notifications.recipients")


@dataclass
class Recipient:
    user_id: str
    user: dict[str, Any]
    allowed: set[str] | None = field(default=None)    # None: every channel of the event

    def allow(self, channels: frozenset[str] | None) -> None:
        if self.allowed is None:
            return
        if channels is None:
            self.allowed = None
        else:
            self.allowed |= set(channels)


def is_active(user: dict[str, Any]) -> bool:
    status = str(user.get("status") or "").upper()
    return not (user.get("disabled") or user.get("disabledAt") or user.get("deletedAt")
                or status in INACTIVE_STATUSES)


def permissions_of(user: dict[str, Any], custom_role: frozenset[str] | None = None) -> frozenset[str]:
    """The user's effective permissions: a stored list when there is one, else its role's set (built-in,
    or the admin-defined `custom_role`) plus grants minus revocations."""
    stored = user.get("permissions")
    if isinstance(stored, (list, tuple, set, frozenset)):
        return frozenset(stored)
    role = BUILT_IN_ROLES.get(str(user.get("role") or ""), custom_role or frozenset())
    return effective_permissions(role, user.get("grants"), user.get("revocations"))


def has_permission(user: dict[str, Any], permission: str, custom_role: frozenset[str] | None = None) -> bool:
    granted = permissions_of(user, custom_role)
    module = permission.split(":", 1)[0]
    return bool({permission, f"{module}:*", "*"} & granted)


def _value(event: DomainEvent, name: str, fallback_to_subject: bool = False) -> str | None:
    value = event.data.get(name)
    if value is None and fallback_to_subject and event.subject:
        value = event.subject.rsplit("/", 1)[-1]
    return str(value) if value else None


def resolve(uow: Any, spec: EventSpec, event: DomainEvent) -> dict[str, Recipient]:
    """{user id: Recipient} for `event`; inactive and unknown users are left out."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    found: dict[str, Recipient] = {}

    def add(user_id: str, user: dict[str, Any], channels: frozenset[str] | None) -> None:
        if not is_active(user):
            return
        if user_id in found:
            found[user_id].allow(channels)
        else:
            found[user_id] = Recipient(user_id, user, None if channels is None else set(channels))

    named = [(rule, _value(event, rule.field, fallback_to_subject=True))
             for rule in spec.recipients if isinstance(rule, UserRule)]
    refs = [collection(USERS).document(uid) for _, uid in named if uid]
    snapshots = uow.get_all(refs) if refs else {}
    for rule, uid in named:
        snapshot = snapshots.get(f"{USERS}/{uid}") if uid else None
        if snapshot is None or not snapshot.exists:
            log(logger, logging.WARNING, "recipient user not found", eventId=event.event_id, type=event.type,
                userId=uid)
            continue
        add(snapshot.id, snapshot.to_dict() or {}, rule.channels)

    for rule in spec.recipients:
        if isinstance(rule, PartnerUsersRule):
            partner_id = _value(event, rule.field)
            if not partner_id:
                continue
            query = collection(USERS).where(filter=FieldFilter("partnerId", "==", partner_id)).limit(
                MAX_PARTNER_USERS)
            members = uow.query(query)
            _warn_if_truncated(event, "partner", len(members), MAX_PARTNER_USERS)
            for snapshot in members:
                add(snapshot.id, snapshot.to_dict() or {}, rule.channels)
        elif isinstance(rule, OrgPermissionRule):
            org_id = _value(event, rule.field) or _value(event, "organizationId")
            # Partners belong to RNRL as a whole, not to one of its organizations: without an organization
            # in the event, the back office of every organization holding the permission is told.
            scope = (FieldFilter("organizationIds", "array_contains", org_id) if org_id
                     else FieldFilter("kind", "==", BACK_OFFICE))
            query = collection(USERS).where(filter=scope).limit(MAX_ORG_USERS)
            staff = [(snapshot.id, snapshot.to_dict() or {}) for snapshot in uow.query(query)]
            _warn_if_truncated(event, "organization", len(staff), MAX_ORG_USERS)
            staff = [(uid, user) for uid, user in staff if not user.get("partnerId")]
            roles = _custom_roles(uow, {str(user.get("role") or "") for _, user in staff})
            for uid, user in staff:
                if has_permission(user, rule.permission, roles.get(str(user.get("role") or ""))):
                    add(uid, user, rule.channels)
    return found


def _warn_if_truncated(event: DomainEvent, scope: str, found: int, bound: int) -> None:
    if found >= bound:
        log(logger, logging.WARNING, "recipient list reached its bound; later users not told", scope=scope,
            bound=bound, eventId=event.event_id, type=event.type)


def _custom_roles(uow: Any, names: set[str]) -> dict[str, frozenset[str]]:
    """The permission sets of admin-defined roles (`roles/{name}`), read in one batch."""
    from shared.db import collection

    custom = sorted(name for name in names if name and name not in BUILT_IN_ROLES)
    if not custom:
        return {}
    snapshots = uow.get_all([collection(ROLES).document(name) for name in custom])
    roles = {}
    for snapshot in snapshots.values():
        data = snapshot.to_dict() if snapshot.exists else None
        if data and data.get("deletedAt") is None:
            roles[snapshot.id] = frozenset(data.get("permissions") or ())
    return roles

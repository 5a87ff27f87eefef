"""Reminder jobs (shared/jobs.py): password expiry reminders and session-end warnings.

Both emit domain events through the outbox (`PasswordExpiring`, `SessionExpiring`) that the fan-out
turns into notifications. Each reminder is emitted once: a marker `notificationMarkers/{key}` is created
in the same transaction as the event, so running a job twice (or two runs overlapping) emits nothing new.
KYC reminders are emitted by the partners group (`KycDueSoon`, `KycOverdue`); the catalog delivers them.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from functions.auth.public import is_active
from functions.masters.public import GLOBAL_SETTINGS, settings_ref
from functions.notifications import store
from functions.notifications.events import PasswordExpiring, SessionExpiring
from functions.notifications.reminder_rules import (
    MAX_MILESTONE,
    PASSWORD_MAX_AGE,
    SESSION_WARNING,
    ExpiryPolicy,
    password_expires_at,
    password_milestone,
    session_warnings,
)
from shared import clock
from shared.auth.guard import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, SESSIONS
from shared.auth.principal import SYSTEM
from shared.db import collection, get_all
from shared.events.model import DomainEventModel
from shared.logging import get_logger, log
from shared.uow import run_in_transaction

PAGE = 300
logger = get_logger("notifications.reminders")


def _filter(field_name: str, op: str, value: Any) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field_name, op, value)


def _range(collection_name: str, field_name: str, low: datetime, high: datetime) -> Any:
    """Documents with low < field <= high, in pages (bounded reads per round trip)."""
    query = (collection(collection_name).where(filter=_filter(field_name, ">", low))
             .where(filter=_filter(field_name, "<=", high)).order_by(field_name).limit(PAGE))
    cursor = None
    while True:
        batch = list((query.start_after(cursor) if cursor is not None else query).stream())
        yield from batch
        if len(batch) < PAGE:
            return
        cursor = batch[-1]


def _emit_once(key: str, event: DomainEventModel, subject: str) -> bool:
    """Emit `event` unless the marker `key` exists; True when emitted."""
    def step(uow: Any) -> bool:
        marker = store.marker_ref(key)
        if uow.get(marker).exists:
            return False
        event_id = uow.emit(event, subject=subject)
        uow.create(marker, {"key": key, "type": event.event_type(), "eventId": event_id, "createdAt": clock.now()})
        return True

    return run_in_transaction(step, actor=SYSTEM)


# ---- password expiry --------------------------------------------------------------------------------

def _policy_key(user: dict[str, Any]) -> str:
    """The settings document whose password policy applies (identity's rule: the user's first
    organization, `global` for partner users)."""
    org_ids = user.get("organizationIds") or []
    return org_ids[0] if org_ids else GLOBAL_SETTINGS


def _policies(users: list[dict[str, Any]]) -> dict[str, ExpiryPolicy]:
    keys = sorted({_policy_key(user) for user in users})
    snapshots = get_all(settings_ref(key) for key in keys)
    policies = {key: ExpiryPolicy() for key in keys}
    for snapshot in snapshots.values():
        if snapshot.exists:
            policies[snapshot.id] = ExpiryPolicy.from_settings((snapshot.to_dict() or {}).get("passwordPolicy"))
    return policies


def password_expiry_reminders() -> dict[str, int]:
    """Daily: `PasswordExpiring` 14, 7 and 1 days before a user's password expires, each once."""
    now = clock.now()
    today = clock.today_india()
    horizon = timedelta(days=MAX_MILESTONE + 1)
    users: dict[str, dict[str, Any]] = {}
    # Identity keeps `passwordExpiresAt`; users without it expire 90 days after `passwordChangedAt`.
    for snapshot in _range(store.USERS, "passwordExpiresAt", now, now + horizon):
        users[snapshot.id] = snapshot.to_dict() or {}
    for snapshot in _range(store.USERS, "passwordChangedAt", now - PASSWORD_MAX_AGE, now - PASSWORD_MAX_AGE + horizon):
        user = snapshot.to_dict() or {}
        if "passwordExpiresAt" not in user:
            users[snapshot.id] = user
    candidates = {uid: user for uid, user in users.items() if is_active(user)}
    policies = _policies(list(candidates.values())) if candidates else {}
    emitted = 0
    for uid, user in sorted(candidates.items()):
        policy = policies[_policy_key(user)]
        expires_at = password_expires_at(user, policy)
        if expires_at is None or expires_at <= now:
            continue
        reached = password_milestone(expires_at, today, policy.milestones)
        if reached is None:
            continue
        milestone, days_left = reached
        key = f"password-{uid}-{expires_at.astimezone(clock.INDIA).date().isoformat()}-{milestone}"
        if _emit_once(key, PasswordExpiring(user_id=uid, expires_at=expires_at, days_left=days_left,
                                            milestone=milestone), subject=f"users/{uid}"):
            emitted += 1
    log(logger, logging.INFO, "password expiry reminders", candidates=len(candidates), emitted=emitted)
    return {"candidates": len(candidates), "emitted": emitted}


# ---- session warnings ---------------------------------------------------------------------------------

def session_expiry_warnings() -> dict[str, int]:
    """Every few minutes: an in-app `SessionExpiring` 5 minutes before a session's idle or absolute end."""
    now = clock.now()
    found: dict[str, dict[str, Any]] = {}
    for snapshot in _range(SESSIONS, "lastActivityAt", now - IDLE_TIMEOUT, now - IDLE_TIMEOUT + SESSION_WARNING):
        found[snapshot.id] = snapshot.to_dict() or {}
    for snapshot in _range(SESSIONS, "createdAt", now - ABSOLUTE_TIMEOUT,
                           now - ABSOLUTE_TIMEOUT + SESSION_WARNING):
        found[snapshot.id] = snapshot.to_dict() or {}
    # Sessions under an organization's shorter sessionPolicy: found by when they end.
    for snapshot in _range(SESSIONS, "expiresAt", now, now + SESSION_WARNING):
        found[snapshot.id] = snapshot.to_dict() or {}
    emitted = 0
    for session_id, session in found.items():
        if not session.get("userId"):
            continue
        for reason, ends_at in session_warnings(session, now):
            key = f"session-{session_id}-{reason}-{int(ends_at.timestamp())}"
            event = SessionExpiring(user_id=session["userId"], session_id=session_id, reason=reason, ends_at=ends_at)
            if _emit_once(key, event, subject=f"sessions/{session_id}"):
                emitted += 1
    log(logger, logging.INFO, "session expiry warnings", sessions=len(found), emitted=emitted)
    return {"sessions": len(found), "emitted": emitted}

"""Who is told about an event: the catalog's recipient rules resolved to users, through auth.public.

Reads only (inside the fan-out transaction): one batched read for named users, one bounded query per
partner or organization rule; whether a user holds a permission is auth's answer, not rebuilt here.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from functions.auth.public import UserContact, is_active, partner_users, staff_with_permission, users_by_id
from functions.notifications.catalog import EventSpec, OrgPermissionRule, PartnerUsersRule, UserRule
from shared.events.consumer import DomainEvent
from shared.logging import get_logger, log

__all__ = ["Recipient", "is_active", "resolve"]

# A partner has a primary user and a few sub-users; an organization's back office is a few dozen people.
# The bounds keep one fan-out inside Firestore's 500-writes-per-transaction limit (4 writes per user at most).
MAX_PARTNER_USERS = 25
MAX_ORG_USERS = 80
logger = get_logger("notifications.recipients")


@dataclass
class Recipient:
    user_id: str
    user: UserContact
    allowed: set[str] | None = field(default=None)    # None: every channel of the event

    def allow(self, channels: frozenset[str] | None) -> None:
        if self.allowed is None:
            return
        if channels is None:
            self.allowed = None
        else:
            self.allowed |= set(channels)


def _value(event: DomainEvent, name: str, fallback_to_subject: bool = False) -> str | None:
    value = event.data.get(name)
    if value is None and fallback_to_subject and event.subject:
        value = event.subject.rsplit("/", 1)[-1]
    return str(value) if value else None


def resolve(uow: Any, spec: EventSpec, event: DomainEvent) -> dict[str, Recipient]:
    """{user id: Recipient} for `event`; inactive and unknown users are left out."""
    found: dict[str, Recipient] = {}

    def add(user: UserContact, channels: frozenset[str] | None) -> None:
        if not user.active:
            return
        if user.user_id in found:
            found[user.user_id].allow(channels)
        else:
            found[user.user_id] = Recipient(user.user_id, user, None if channels is None else set(channels))

    named = [(rule, _value(event, rule.field, fallback_to_subject=True))
             for rule in spec.recipients if isinstance(rule, UserRule)]
    users = users_by_id(uow, [uid for _, uid in named if uid])
    for rule, uid in named:
        user = users.get(uid) if uid else None
        if user is None:
            log(logger, logging.WARNING, "recipient user not found", eventId=event.event_id, type=event.type,
                userId=uid)
            continue
        add(user, rule.channels)

    for rule in spec.recipients:
        if isinstance(rule, PartnerUsersRule):
            partner_id = _value(event, rule.field)
            if not partner_id:
                continue
            members = partner_users(uow, partner_id, MAX_PARTNER_USERS)
            _warn_if_truncated(event, "partner", len(members) >= MAX_PARTNER_USERS, MAX_PARTNER_USERS)
            for user in members:
                add(user, rule.channels)
        elif isinstance(rule, OrgPermissionRule):
            # Partners belong to RNRL as a whole, not to one of its organizations: without an organization
            # in the event, the back office of every organization holding the permission is told.
            org_id = _value(event, rule.field)
            staff, full = staff_with_permission(uow, rule.permission, org_id, MAX_ORG_USERS)
            _warn_if_truncated(event, "organization", full, MAX_ORG_USERS)
            for user in staff:
                add(user, rule.channels)
    return found


def _warn_if_truncated(event: DomainEvent, scope: str, full: bool, bound: int) -> None:
    if full:
        log(logger, logging.WARNING, "recipient list reached its bound; later users not told", scope=scope,
            bound=bound, eventId=event.event_id, type=event.type)

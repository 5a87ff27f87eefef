"""The authentication guard: bearer token → Principal, with the session still alive.

A valid signature is not enough: the session the token belongs to must exist, be unrevoked, and be
inside its idle and absolute limits. That costs one document read per request (concurrent requests of
an instance share one BatchGetDocuments that starts after each arrived: shared/db.read_document). The
limits are the organization's `sessionPolicy` (masters settings), copied onto the session when it starts
(`idleTimeoutSeconds`, `absoluteTimeoutSeconds`); an organization may shorten DOMAIN.md's 30 minutes
and 12 hours, never lengthen them.

A session may carry `addedOrganizationIds`: organizations its user created during it (auth's
memberships.py). They join the token's organizations, so the creator administers a new organization
from its next call on, at no extra read; the next refresh puts them in the token itself.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared import clock
from shared.auth.principal import Principal
from shared.auth.tokens import InvalidToken, verify_access_token
from shared.db import collection, read_document
from shared.errors import Forbidden, Unauthorized

SESSIONS = "sessions"
ADDED_ORGANIZATIONS = "addedOrganizationIds"
IDLE_TIMEOUT = timedelta(minutes=30)          # DOMAIN.md: the default and the maximum
ABSOLUTE_TIMEOUT = timedelta(hours=12)
MIN_IDLE_TIMEOUT = timedelta(minutes=5)       # the settings' own floors
MIN_ABSOLUTE_TIMEOUT = timedelta(hours=1)


def policy_limits(idle_minutes: int | None, absolute_hours: int | None) -> tuple[timedelta, timedelta]:
    """(idle, absolute) of an organization's sessionPolicy, within DOMAIN.md's defaults and maximums."""
    idle = timedelta(minutes=idle_minutes) if idle_minutes else IDLE_TIMEOUT
    absolute = timedelta(hours=absolute_hours) if absolute_hours else ABSOLUTE_TIMEOUT
    return (max(MIN_IDLE_TIMEOUT, min(idle, IDLE_TIMEOUT)),
            max(MIN_ABSOLUTE_TIMEOUT, min(absolute, ABSOLUTE_TIMEOUT)))


def session_limits(session: dict) -> tuple[timedelta, timedelta]:
    """(idle, absolute) of a stored session: what it was started with (the defaults for older ones)."""
    idle, absolute = session.get("idleTimeoutSeconds"), session.get("absoluteTimeoutSeconds")
    return (min(timedelta(seconds=idle), IDLE_TIMEOUT) if idle else IDLE_TIMEOUT,
            min(timedelta(seconds=absolute), ABSOLUTE_TIMEOUT) if absolute else ABSOLUTE_TIMEOUT)


def bearer_token(header: str | None) -> str:
    if not header:
        raise Unauthorized("MISSING_TOKEN", "Send Authorization: Bearer <access token>")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("MISSING_TOKEN", "Send Authorization: Bearer <access token>")
    return token.strip()


def session_problem(session: dict | None, user_id: str) -> str | None:
    """Why a session no longer authenticates (a code), or None while it is alive."""
    if not session or session.get("userId") != user_id:
        return "SESSION_NOT_FOUND"
    if session.get("revokedAt") is not None:
        return "SESSION_REVOKED"
    moment = clock.now()
    idle, absolute = session_limits(session)
    if session["createdAt"] + absolute <= moment:
        return "SESSION_EXPIRED"
    if session["lastActivityAt"] + idle <= moment:
        return "SESSION_IDLE_TIMEOUT"
    return None


def authenticate(header: str | None, *, allow_restricted: bool = False) -> Principal:
    try:
        principal = verify_access_token(bearer_token(header))
    except InvalidToken as error:
        raise Unauthorized(error.code, error.message) from None
    snapshot = read_document(collection(SESSIONS).document(principal.session_id))
    session = snapshot.to_dict() if snapshot.exists else None
    problem = session_problem(session, principal.user_id)
    if problem:
        raise Unauthorized(problem, "The session has ended; sign in again")
    added = [org for org in (session or {}).get(ADDED_ORGANIZATIONS) or () if org not in principal.organization_ids]
    if added and principal.is_back_office:
        principal = replace(principal, organization_ids=(*principal.organization_ids, *added))
    if principal.restricted and not allow_restricted:
        raise Forbidden("PASSWORD_CHANGE_REQUIRED", "Change your password before using the API")
    return principal

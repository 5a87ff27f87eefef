"""Scheduled identity housekeeping (shared/jobs.py): `session-cleanup`, hourly, idempotent.

Deletes sessions that can no longer authenticate (revoked, idle or past 12 hours) once their
`expiresAt` is behind us, and one-time records (OTP challenges, password-reset links) a day after they
expired. In the cloud a Firestore TTL policy on `expiresAt` does the same lazily; this job keeps the
emulator and the sessions list tidy and bounds every query on `sessions`. A session whose `expiresAt`
is stale but which is still alive (activity recorded by an older writer) gets its `expiresAt` fixed
instead. Sessions are not business records, so they are deleted outright.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from functions.auth.otp import OTP_CHALLENGES
from functions.auth.password_service import PASSWORD_RESETS
from shared import clock
from shared.auth.guard import SESSIONS, session_limits, session_problem
from shared.db import client, collection

BATCH = 400
ONE_TIME_GRACE = timedelta(days=1)


def _expired(collection_name: str, before: Any, limit: int) -> list[Any]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = (collection(collection_name).where(filter=FieldFilter("expiresAt", "<=", before))
             .order_by("expiresAt").limit(limit))
    return list(query.stream())


def cleanup_sessions(batch: int = BATCH) -> dict[str, int]:
    now = clock.now()
    deleted = fixed = 0
    writer = client().batch()
    for snapshot in _expired(SESSIONS, now, batch):
        session = snapshot.to_dict() or {}
        alive = (session.get("userId") and session.get("createdAt") and session.get("lastActivityAt")
                 and session_problem(session, session["userId"]) is None)
        if alive:
            idle, absolute = session_limits(session)
            writer.update(snapshot.reference, {"expiresAt": min(session["createdAt"] + absolute,
                                                                session["lastActivityAt"] + idle)})
            fixed += 1
        else:
            writer.delete(snapshot.reference)
            deleted += 1
    if deleted or fixed:
        writer.commit()
    others = 0
    for name in (OTP_CHALLENGES, PASSWORD_RESETS):
        writer = client().batch()
        found = _expired(name, now - ONE_TIME_GRACE, batch)
        for snapshot in found:
            writer.delete(snapshot.reference)
        if found:
            writer.commit()
        others += len(found)
    return {"sessionsDeleted": deleted, "sessionsFixed": fixed, "oneTimeRecordsDeleted": others}

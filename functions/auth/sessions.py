"""Sessions and refresh tokens (DOMAIN.md "Sessions", DESIGN.md §8).

`sessions/{sid}`: userId, createdAt, lastActivityAt, revokedAt (+ revokedReason), absoluteExpiresAt,
expiresAt (when the session dies if nothing happens: the TTL field), refreshTokenHash,
`refreshGeneration` (how many times the refresh token was rotated), userAgent, device, ip, restricted,
restrictedAtSignIn (the sign-in itself, not a later refresh, made it restricted).

A refresh token is `<sid>.<generation>.<256-bit random>.<signature>`; only its SHA-256 is stored. Each
use rotates it to the next generation. The signature (keyed with the server's secret) proves that we
issued a token, so a validly signed token of an earlier generation than the session's is a rotated
one shown again: it was copied, and the whole session is revoked (both the access and the refresh token
then answer 401). One exception: the token of the generation just before the current one, shown within
`ROTATION_GRACE` of its rotation (`rotatedAt`), is a concurrent refresh of the same client (two tabs that
share one storage: a tab may read the old token after the other rotated it, since browsers do not
synchronise localStorage across tabs at once). It answers 409 REFRESH_TOKEN_ROTATED, revokes nothing and
issues nothing: the client takes the tokens the other tab saved. A refresh does not count as activity: the
client reports real user activity with `POST /api/auth/session/activity`.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from functions.auth import accounts, devices
from shared import clock
from shared.auth.guard import SESSIONS, policy_limits, session_limits, session_problem
from shared.auth.opaque import keyed_hash, new_token, same, token_hash
from shared.auth.principal import Actor, Principal
from shared.auth.tokens import issue_access_token
from shared.auth.users import ACTIVE
from shared.db import collection
from shared.errors import Conflict, NotFound, Unauthorized
from shared.uow import run_in_transaction

if TYPE_CHECKING:
    from functions.masters.public import SessionPolicy
    from shared.uow import UnitOfWork

REFRESH_TTL = timedelta(days=7)
ROTATION_GRACE = timedelta(seconds=10)
MAX_SESSIONS_LISTED = 200
SIGNATURE_CHARS = 32


def _signature(session_id: str, generation: int, secret: str) -> str:
    return keyed_hash("refresh-token", f"{session_id}.{generation}.{secret}")[:SIGNATURE_CHARS]


def new_refresh_token(session_id: str, generation: int) -> str:
    secret = new_token()
    return f"{session_id}.{generation}.{secret}.{_signature(session_id, generation, secret)}"


def parse_refresh_token(token: str) -> tuple[str, int] | None:
    """(session id, generation) of a token this service issued; None for anything else."""
    parts = token.split(".")
    if len(parts) != 4:
        return None
    session_id, generation, secret, signature = parts
    if not (session_id.isalnum() and len(session_id) <= 64 and generation.isdigit() and len(generation) <= 9):
        return None
    if not same(signature, _signature(session_id, int(generation), secret)):
        return None
    return session_id, int(generation)


def session_ref(session_id: str) -> Any:
    return collection(SESSIONS).document(session_id)


def _expires_at(session: dict[str, Any], created_at: datetime, last_activity_at: datetime) -> datetime:
    idle, absolute = session_limits(session)
    return min(created_at + absolute, last_activity_at + idle)


def new_session(uow: UnitOfWork, user_id: str, *, restricted: bool, ip: str | None,
                user_agent: str | None, policy: SessionPolicy | None = None) -> tuple[str, str]:
    """Write a new session under the organization's `policy` (masters settings); (session id, refresh token)."""
    session_id = uuid.uuid4().hex
    refresh_token = new_refresh_token(session_id, 0)
    moment = clock.now()
    idle, absolute = policy_limits(policy.idle_minutes if policy else None, policy.absolute_hours if policy else None)
    limits = {"idleTimeoutSeconds": int(idle.total_seconds()), "absoluteTimeoutSeconds": int(absolute.total_seconds())}
    uow.create(session_ref(session_id), {
        "userId": user_id,
        "createdAt": moment,
        "lastActivityAt": moment,
        "revokedAt": None,
        "revokedReason": None,
        **limits,
        "absoluteExpiresAt": moment + absolute,
        "expiresAt": _expires_at(limits, moment, moment),
        "refreshTokenHash": token_hash(refresh_token),
        "refreshGeneration": 0,
        "refreshExpiresAt": moment + REFRESH_TTL,
        "restricted": restricted,
        # Only a session restricted by its own sign-in may set a password without the current one.
        "restrictedAtSignIn": restricted,
        "userAgent": (user_agent or "")[:300] or None,
        "device": devices.describe(user_agent),
        "ip": ip or None,
    })
    return session_id, refresh_token


def tokens_view(principal: Principal, refresh_token: str) -> dict[str, Any]:
    access_token, lifetime = issue_access_token(principal)
    return {"accessToken": access_token, "refreshToken": refresh_token, "expiresIn": lifetime, "tokenType": "Bearer"}


def rotate(uow: UnitOfWork, ref: Any, session: dict[str, Any], **changes: Any) -> str:
    """Replace the session's refresh token by one of the next generation; the new token."""
    generation = int(session.get("refreshGeneration") or 0) + 1
    new_refresh = new_refresh_token(ref.id, generation)
    uow.update(ref, {"refreshTokenHash": token_hash(new_refresh), "refreshGeneration": generation,
                     "rotatedAt": clock.now(), **changes})
    return new_refresh


def revoke(uow: UnitOfWork, ref: Any, reason: str) -> None:
    moment = clock.now()
    uow.update(ref, {"revokedAt": moment, "revokedReason": reason, "expiresAt": moment})


def live_sessions(uow: UnitOfWork | None, user_id: str) -> list[Any]:
    """Unrevoked session snapshots of a user (read phase). Bounded: the cleanup job removes dead ones."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = (collection(SESSIONS).where(filter=FieldFilter("userId", "==", user_id))
             .where(filter=FieldFilter("revokedAt", "==", None)).limit(MAX_SESSIONS_LISTED))
    return uow.query(query) if uow is not None else list(query.stream())


def revoke_all(uow: UnitOfWork, snapshots: list[Any], reason: str, *, keep: str | None = None) -> int:
    """Revoke every session in `snapshots` except `keep` (write phase); how many were revoked."""
    count = 0
    for snapshot in snapshots:
        if snapshot.id == keep:
            continue
        revoke(uow, snapshot.reference, reason)
        count += 1
    return count


# ---- refresh -----------------------------------------------------------------------------------------------

def just_rotated(session: dict[str, Any], generation: int) -> bool:
    """A token of the generation before the session's, shown within the grace of its rotation (a concurrent
    refresh of the same client, not a copy)."""
    rotated_at = session.get("rotatedAt")
    return (session.get("revokedAt") is None and rotated_at is not None
            and generation == int(session.get("refreshGeneration") or 0) - 1
            and clock.now() - rotated_at <= ROTATION_GRACE)


def refresh(refresh_token: str, actor: Actor) -> dict[str, Any]:
    """A new access token and a rotated refresh token; reuse of an old refresh token revokes the session."""
    parsed = parse_refresh_token(refresh_token)
    if parsed is None:
        raise Unauthorized("INVALID_REFRESH_TOKEN", "The refresh token is not valid")
    session_id, generation = parsed
    presented = token_hash(refresh_token)
    ref = session_ref(session_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        snapshot = uow.get(ref)
        session = snapshot.to_dict() if snapshot.exists else None
        if session is None:
            return {"error": "INVALID_REFRESH_TOKEN"}
        user_id = session["userId"]
        if not same(presented, session.get("refreshTokenHash")):
            if just_rotated(session, generation):
                return {"error": "REFRESH_TOKEN_ROTATED"}
            if generation < int(session.get("refreshGeneration") or 0):
                if session.get("revokedAt") is None:
                    revoke(uow, ref, "REFRESH_TOKEN_REUSED")
                    uow.audit("auth.refresh_token_reused", "session", session_id, userId=user_id,
                              outcome="session_revoked")
                return {"error": "REFRESH_TOKEN_REUSED"}
            return {"error": "INVALID_REFRESH_TOKEN"}
        problem = session_problem(session, user_id)
        if problem is None and session.get("refreshExpiresAt") and session["refreshExpiresAt"] <= clock.now():
            problem = "REFRESH_TOKEN_EXPIRED"
        if problem:
            return {"error": problem}
        try:
            _, user = accounts.read_user(user_id, uow)
        except NotFound:
            return {"error": "SESSION_NOT_FOUND"}
        role_doc = None
        reads = [accounts.settings_ref(user)]
        if not accounts.is_built_in(user.get("role", "")):
            reads.append(accounts.role_ref(user.get("role", "")))
        snapshots = uow.get_all(reads)
        policy = accounts.policy_from(snapshots.get(reads[0].path))
        if len(reads) > 1:
            role_snapshot = snapshots.get(reads[1].path)
            role_doc = role_snapshot.to_dict() if role_snapshot is not None and role_snapshot.exists else None
        if user.get("status") != ACTIVE:
            revoke(uow, ref, "USER_NOT_ACTIVE")
            return {"error": "SESSION_REVOKED"}
        restricted = accounts.password_change_required(user, policy)
        new_refresh = rotate(uow, ref, session, restricted=restricted)
        principal = accounts.principal_for(user_id, user, session_id, role_doc, restricted=restricted)
        return {"principal": principal, "refresh": new_refresh}

    outcome = run_in_transaction(work, actor)
    if outcome.get("error") == "REFRESH_TOKEN_ROTATED":
        raise Conflict("REFRESH_TOKEN_ROTATED", "This refresh token was rotated moments ago by another refresh of "
                       "this session; use the tokens that refresh returned")
    if "error" in outcome:
        code = outcome["error"]
        message = ("The refresh token was already used; the session has been ended" if code == "REFRESH_TOKEN_REUSED"
                   else "The refresh token is not valid; sign in again")
        raise Unauthorized(code, message)
    principal = outcome["principal"]
    return {"tokens": tokens_view(principal, outcome["refresh"]), "requiresPasswordChange": principal.restricted}


# ---- the caller's own sessions -------------------------------------------------------------------------------

def session_view(session_id: str, session: dict[str, Any], current_id: str | None) -> dict[str, Any]:
    created, last = session["createdAt"], session["lastActivityAt"]
    idle, absolute = session_limits(session)
    return {
        "id": session_id,
        "device": session.get("device") or devices.describe(session.get("userAgent")),
        "userAgent": session.get("userAgent"),
        "ip": session.get("ip"),
        "createdAt": created,
        "lastActivityAt": last,
        "idleExpiresAt": last + idle,
        "absoluteExpiresAt": created + absolute,
        "restricted": bool(session.get("restricted")),
        "current": session_id == current_id,
    }


def current_session(principal: Principal) -> dict[str, Any]:
    snapshot = session_ref(principal.session_id).get()
    return session_view(principal.session_id, snapshot.to_dict(), principal.session_id)


def list_sessions(principal: Principal) -> dict[str, Any]:
    items = [session_view(s.id, s.to_dict(), principal.session_id) for s in live_sessions(None, principal.user_id)
             if session_problem(s.to_dict(), principal.user_id) is None]
    items.sort(key=lambda item: item["lastActivityAt"], reverse=True)
    return {"items": items, "nextPageToken": None}


def record_activity(principal: Principal, actor: Actor) -> dict[str, Any]:
    """Extend the idle timeout of the caller's session (never beyond the absolute limit)."""
    ref = session_ref(principal.session_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        session = uow.get(ref).to_dict()
        problem = session_problem(session, principal.user_id)
        if problem:
            raise Unauthorized(problem, "The session has ended; sign in again")
        moment = clock.now()
        uow.update(ref, {"lastActivityAt": moment, "expiresAt": _expires_at(session, session["createdAt"], moment)})
        return {**session, "lastActivityAt": moment}

    session = run_in_transaction(work, actor)
    return session_view(principal.session_id, session, principal.session_id)


def logout(principal: Principal, actor: Actor) -> None:
    ref = session_ref(principal.session_id)

    def work(uow: UnitOfWork) -> None:
        uow.get(ref)
        revoke(uow, ref, "LOGOUT")
        uow.audit("auth.logout", "session", principal.session_id)

    run_in_transaction(work, actor)


def logout_all(principal: Principal, actor: Actor) -> int:
    def work(uow: UnitOfWork) -> int:
        snapshots = live_sessions(uow, principal.user_id)
        count = revoke_all(uow, snapshots, "LOGOUT_ALL")
        uow.audit("auth.logout_all", "user", principal.user_id, sessionsEnded=count)
        return count

    return run_in_transaction(work, actor)


def revoke_own(principal: Principal, session_id: str, actor: Actor) -> None:
    """End one of the caller's sessions; 404 for a session that is not the caller's."""
    if not accounts.valid_id(session_id):
        raise NotFound("SESSION_NOT_FOUND", "No such session")
    ref = session_ref(session_id)

    def work(uow: UnitOfWork) -> None:
        snapshot = uow.get(ref)
        session = snapshot.to_dict() if snapshot.exists else None
        if not session or session.get("userId") != principal.user_id:
            raise NotFound("SESSION_NOT_FOUND", "No such session")
        if session.get("revokedAt") is None:
            revoke(uow, ref, "REVOKED_BY_USER")
            uow.audit("auth.session_revoked", "session", session_id)

    run_in_transaction(work, actor)

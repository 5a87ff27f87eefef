"""Changing, first-setting and resetting passwords (DOMAIN.md "Password policy", "Password reset").

Every new password passes the organization's policy (pure rules in password_policy.py) and the
history rule (not one of the last N hashes, the current one included). Argon2 work (verifying the
current password and the history, hashing the new one) happens outside the transaction; the
transaction re-reads the user and refuses if its password changed meanwhile.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from functions.auth import accounts, lockout, mail, sessions
from functions.auth.events import AccountLocked
from functions.auth.login import _firebase_token
from functions.auth.password_policy import PasswordPolicy, validate
from shared import clock
from shared.auth.opaque import new_token, token_hash
from shared.auth.passwords import hash_password, verify_password
from shared.auth.principal import Actor, Principal
from shared.auth.users import ACTIVE
from shared.db import collection
from shared.errors import Conflict, Locked, TooManyRequests, Unauthorized, Unprocessable, field_error
from shared.ratelimit import check
from shared.uow import run_in_transaction
from shared.validators import InvalidValue
from shared.validators import email as valid_email

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

PASSWORD_RESETS = "passwordResets"
RESET_TTL = timedelta(minutes=60)


# ---- rules -------------------------------------------------------------------------------------------------

def check_new_password(password: str, user: dict[str, Any], policy: PasswordPolicy, field: str) -> None:
    """422 PASSWORD_POLICY listing every broken rule (`details.fields[].rule`)."""
    problems = [(v.rule, v.message) for v in validate(password, policy, email=user.get("email"))]
    if not problems and policy.history_count:
        recent = _history(user)[:policy.history_count]
        if any(verify_password(old, password) for old in recent):
            problems.append(("history", f"Do not reuse any of your last {policy.history_count} passwords"))
    if problems:
        raise Unprocessable("PASSWORD_POLICY", "The password does not meet the password policy",
                            {"fields": [{"field": field, "message": message, "rule": rule}
                                        for rule, message in problems]})


def _history(user: dict[str, Any]) -> list[str]:
    history = list(user.get("passwordHistory") or ())
    current = user.get("passwordHash")
    if current and (not history or history[0] != current):
        history.insert(0, current)
    return history


def password_fields(new_hash: str, user: dict[str, Any], policy: PasswordPolicy, *,
                    must_change: bool = False) -> dict[str, Any]:
    """The user fields that set a new password (history kept to the policy's length, at least 1)."""
    keep = max(policy.history_count, 1)
    return {
        "passwordHash": new_hash,
        "passwordHistory": ([new_hash, *_history(user)])[:keep],
        "passwordChangedAt": clock.now(),
        # Kept for the password-expiry reminders job; sign-in re-evaluates against the current policy.
        "passwordExpiresAt": None if must_change else policy.expires_at(clock.now()),
        "mustChangePassword": must_change,
        "failedLoginCount": 0,
        "lockedUntil": None,
        "passwordRemindersSent": [],
    }


def load_policy(user: dict[str, Any]) -> PasswordPolicy:
    return accounts.policy_from(accounts.settings_ref(user).get())


def password_from_link(user: dict[str, Any], password: str, field: str) -> tuple[PasswordPolicy, str]:
    """(policy, new hash) for a password set from a link (reset or invite): 422 naming `field` when the
    user's policy refuses it. Done before the transaction (Argon2 is slow)."""
    policy = load_policy(user)
    check_new_password(password, user, policy, field)
    return policy, hash_password(password)


def as_link_user(actor: Actor, user_id: str, user: dict[str, Any]) -> Actor:
    """The actor of a change made through a link: the link's user, from the caller's address."""
    return Actor(user_id=user_id, ip=actor.ip, user_agent=actor.user_agent, request_id=actor.request_id,
                 organization_ids=tuple(user.get("organizationIds") or ()))


def _role_doc(uow: UnitOfWork, user: dict[str, Any]) -> dict[str, Any] | None:
    if accounts.is_built_in(user.get("role", "")):
        return None
    snapshot = uow.get(accounts.role_ref(user.get("role", "")))
    return snapshot.to_dict() if snapshot.exists else None


# ---- change (signed in) -------------------------------------------------------------------------------------

def change_password(principal: Principal, current_password: str | None, new_password: str, actor: Actor, *,
                    first_login: bool = False) -> dict[str, Any]:
    """Set a new password for the caller; ends every other session and returns fresh tokens for this one.

    `first_login`: no current password is asked, because the sign-in that created this restricted
    session just proved it (an admin-issued or expired password). A session that became restricted
    later, at a refresh after its password expired, proves nothing: it changes with the current one.
    """
    _, user = accounts.read_user(principal.user_id)
    session_ref = sessions.session_ref(principal.session_id)
    if first_login:
        _check_first_login(principal, session_ref.get().to_dict())
    if not first_login:
        # A lock stops password guesses here as at sign-in: no verification, no counting, 423.
        _refuse_while_locked(user)
        if not verify_password(user.get("passwordHash"), current_password or ""):
            _wrong_current_password(principal, actor)
    policy = load_policy(user)
    check_new_password(new_password, user, policy, "newPassword")
    new_hash = hash_password(new_password)
    seen_hash = user.get("passwordHash")

    def work(uow: UnitOfWork) -> dict[str, Any]:
        user_ref, current = accounts.read_user(principal.user_id, uow)
        session = uow.get(session_ref).to_dict()
        role_doc = _role_doc(uow, current)
        others = sessions.live_sessions(uow, principal.user_id)
        if not session or session.get("revokedAt") is not None:
            raise Unauthorized("SESSION_REVOKED", "The session has ended; sign in again")
        if first_login:
            _check_first_login(principal, session)
        if current.get("passwordHash") != seen_hash:
            raise Conflict("PASSWORD_CHANGED_MEANWHILE", "The password was changed meanwhile; sign in again")
        if not first_login:
            _refuse_while_locked(current)
        updated = accounts.write_user(uow, user_ref, current, password_fields(new_hash, current, policy),
                                      principal.user_id)
        ended = sessions.revoke_all(uow, others, "PASSWORD_CHANGED", keep=principal.session_id)
        refresh_token = sessions.rotate(uow, session_ref, session, restricted=False, restrictedAtSignIn=False)
        uow.audit("auth.password_changed", "user", principal.user_id, how="first_login" if first_login else "change",
                  sessionsEnded=ended)
        permissions = accounts.permissions_of(updated, role_doc)
        new_principal = accounts.principal_for(principal.user_id, updated, principal.session_id, role_doc,
                                               restricted=False)
        return {"user": updated, "principal": new_principal, "refresh": refresh_token, "permissions": permissions}

    done = run_in_transaction(work, actor)

    user = done["user"]
    mail.send_password_changed_email(user["email"], user.get("name", ""), "changed", user_id=principal.user_id)

    return {"user": accounts.auth_user_view(principal.user_id, user, done["permissions"]),
            "tokens": sessions.tokens_view(done["principal"], done["refresh"]),
            "firebaseToken": _firebase_token(principal.user_id, user),
            "requiresPasswordChange": False}


def _check_first_login(principal: Principal, session: dict[str, Any] | None) -> None:
    if not principal.restricted:
        raise Conflict("PASSWORD_CHANGE_NOT_REQUIRED", "This session does not need a password change; "
                                                       "use /api/auth/password/change")
    if not (session or {}).get("restrictedAtSignIn"):
        raise Conflict("CURRENT_PASSWORD_REQUIRED", "Change the expired password with the current one; "
                                                    "use /api/auth/password/change")


def _locked(locked_until: Any) -> Locked:
    return Locked("ACCOUNT_LOCKED", "Too many failed attempts; the account is locked for a while",
                  {"lockedUntil": clock.iso(locked_until)})


def _refuse_while_locked(user: dict[str, Any]) -> None:
    now = clock.now()
    state = lockout.current(user.get("failedLoginCount"), user.get("lockedUntil"), now)
    if state.is_locked(now):
        raise _locked(state.locked_until)


def _wrong_current_password(principal: Principal, actor: Actor) -> None:
    """Count a wrong current password like a failed sign-in; at the lock, every session ends."""
    def work(uow: UnitOfWork) -> Any:
        user_ref, user = accounts.read_user(principal.user_id, uow)
        lock_policy = accounts.lockout_policy_from(uow.get(accounts.settings_ref(user)))
        live = sessions.live_sessions(uow, principal.user_id)
        now = clock.now()
        state = lockout.current(user.get("failedLoginCount"), user.get("lockedUntil"), now)
        if state.is_locked(now):                       # locked meanwhile (a concurrent attempt)
            raise _locked(state.locked_until)
        state, just_locked = lockout.after_failure(state, now, lock_policy)
        accounts.write_user(uow, user_ref, user, {"failedLoginCount": state.failed_count,
                                                  "lockedUntil": state.locked_until}, principal.user_id)
        uow.audit("auth.password_change_failed", "user", principal.user_id, reason="WRONG_CURRENT_PASSWORD")
        if just_locked:
            sessions.revoke_all(uow, live, "ACCOUNT_LOCKED")
            uow.audit("auth.lockout", "user", principal.user_id, lockedUntil=state.locked_until,
                      failures=lock_policy.max_failed_attempts)
            uow.emit(AccountLocked(user_id=principal.user_id, locked_until=state.locked_until),
                     subject=f"users/{principal.user_id}")
        return (state.locked_until, user) if just_locked else (None, user)

    locked_until, user = run_in_transaction(work, actor)
    if locked_until is not None:
        mail.send_locked_email(user["email"], user.get("name", ""), locked_until, user_id=principal.user_id)
        raise _locked(locked_until)
    raise field_error("currentPassword", "The current password is not correct", "INVALID_CURRENT_PASSWORD",
                      rule="current_password")


# ---- reset by e-mail -------------------------------------------------------------------------------------------

def request_reset(email_input: str, actor: Actor) -> None:
    """Mail a reset link when the e-mail belongs to an active account; the caller always answers 202."""
    try:
        email = valid_email(email_input)
    except InvalidValue:
        return
    try:
        # Per address as well as per IP, silently: a 429 here would tell which addresses are asked about.
        check("password_reset", f"reset:{email}")
    except TooManyRequests:
        return
    found = accounts.find_by_email(email)
    if found is None or found[1].get("status") != ACTIVE:
        return
    user_id, user = found
    token = new_token()
    ref = collection(PASSWORD_RESETS).document(token_hash(token))

    def work(uow: UnitOfWork) -> None:
        moment = clock.now()
        uow.create(ref, {"userId": user_id, "createdAt": moment, "expiresAt": moment + RESET_TTL, "usedAt": None,
                         "ip": actor.ip})
        uow.audit("auth.password_reset_requested", "user", user_id)

    run_in_transaction(work, as_link_user(actor, user_id, user))

    mail.send_reset_email(user["email"], user.get("name", ""), token, user_id=user_id)


def _reset_invalid() -> Unprocessable:
    return field_error("token", "The reset link is not valid or has expired; ask for a new one",
                       "RESET_TOKEN_INVALID", rule="reset_token")


def confirm_reset(token: str, new_password: str, actor: Actor) -> None:
    """Set the password from a reset link (single use, 60 minutes); ends every session of the user."""
    ref = collection(PASSWORD_RESETS).document(token_hash(token))
    snapshot = ref.get()
    reset = snapshot.to_dict() if snapshot.exists else None
    if not reset or reset.get("usedAt") is not None or reset["expiresAt"] <= clock.now():
        raise _reset_invalid()
    user_id = reset["userId"]
    _, user = accounts.read_user(user_id)
    policy, new_hash = password_from_link(user, new_password, "newPassword")

    def work(uow: UnitOfWork) -> dict[str, Any]:
        current_reset = uow.get(ref).to_dict()
        user_ref, current = accounts.read_user(user_id, uow)
        live = sessions.live_sessions(uow, user_id)
        changed_at = current.get("passwordChangedAt")
        if (current_reset.get("usedAt") is not None or current_reset["expiresAt"] <= clock.now()
                or current.get("status") != ACTIVE
                or (changed_at is not None and changed_at > current_reset["createdAt"])):
            raise _reset_invalid()
        uow.update(ref, {"usedAt": clock.now(), "expiresAt": clock.now()})
        accounts.write_user(uow, user_ref, current, password_fields(new_hash, current, policy), user_id)
        ended = sessions.revoke_all(uow, live, "PASSWORD_RESET")
        uow.audit("auth.password_reset", "user", user_id, sessionsEnded=ended)
        return current

    user = run_in_transaction(work, as_link_user(actor, user_id, user))

    mail.send_password_changed_email(user["email"], user.get("name", ""), "reset", user_id=user_id)

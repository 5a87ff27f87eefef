"""Sign-in (DOMAIN.md "Login and lockout").

The password is verified outside the transaction (Argon2 is deliberately slow); the transaction then
re-reads the user and applies the lockout rules, so concurrent attempts cannot lose an increment.
Unknown e-mail, an account without a password yet and a wrong password all answer the same 401 after
the same Argon2 work, and lock the same way: an address with no usable account counts its failures in
`loginFailures/{keyed hash of the address}` (no address stored; gone 30 days after the last failure),
so five wrong passwords answer 423 for it too. A locked account answers 423 whatever the password; a
disabled one 403, but only to the right password (so the answer tells an attacker nothing new). An
expired or admin-issued password signs in with a restricted session that may only change the password.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from functions.auth import accounts, devices, lockout, mail, sessions
from functions.auth.events import AccountLocked, NewDeviceSignIn
from functions.auth.firebase_token import create_custom_token
from functions.masters.public import settings_from
from shared import clock
from shared.adapters.masking import mask_email
from shared.auth.opaque import keyed_hash
from shared.auth.passwords import burn_verify, hash_password, needs_rehash, verify_password
from shared.auth.principal import Actor
from shared.auth.users import ACTIVE, DISABLED
from shared.db import collection
from shared.errors import Forbidden, Locked, NotFound, Unauthorized
from shared.logging import get_logger, log
from shared.ratelimit import check
from shared.uow import run_in_transaction
from shared.validators import InvalidValue
from shared.validators import email as valid_email

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

logger = get_logger("auth.login")
LOGIN_FAILURES = "loginFailures"
UNKNOWN_MEMORY = timedelta(days=30)


@dataclass
class Outcome:
    status: str                                   # ok, invalid, locked, disabled
    locked_until: Any = None
    just_locked: bool = False
    new_device: bool = False
    user: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)


def invalid_credentials() -> Unauthorized:
    return Unauthorized("INVALID_CREDENTIALS", "The e-mail or password is not correct")


def account_locked(locked_until: datetime) -> Locked:
    return Locked("ACCOUNT_LOCKED", "Too many failed sign-in attempts; the account is locked for a while",
                  {"lockedUntil": clock.iso(locked_until)})


def _mask(email: str) -> str:
    return mask_email(email)


def _limit_attempts(ip: str | None, email: str) -> None:
    """DOMAIN.md's sign-in limit per (IP, e-mail), before any lookup or Argon2 work; the route's own
    per-IP limit (`login_ip`) is looser so that one office's address does not share five a minute."""
    check("login", f"ip:{ip or ''}|email:{email}")


def login(email_input: str, password: str, *, ip: str | None, user_agent: str | None,
          request_id: str | None) -> dict[str, Any]:
    try:
        email = valid_email(email_input)
    except InvalidValue:
        email = None
    _limit_attempts(ip, email or email_input.strip().lower()[:320])
    found = accounts.find_by_email(email) if email else None
    if found is None or not found[1].get("passwordHash"):
        burn_verify(password)
        locked_until = _fail_unknown(email, found[0] if found else None,
                                     Actor(user_id=None, ip=ip, user_agent=user_agent, request_id=request_id,
                                           organization_ids=tuple((found[1] if found else {}).get("organizationIds")
                                                                  or ())))
        if locked_until is not None:
            raise account_locked(locked_until)
        raise invalid_credentials()

    user_id, seen = found
    password_ok = verify_password(seen["passwordHash"], password)
    rehash = hash_password(password) if password_ok and needs_rehash(seen["passwordHash"]) else None
    device = devices.fingerprint(user_agent)
    actor = Actor(user_id=user_id, ip=ip, user_agent=user_agent, request_id=request_id,
                  organization_ids=tuple(seen.get("organizationIds") or ()))

    def work(uow: UnitOfWork) -> Outcome:
        now = clock.now()
        try:
            user_ref, user = accounts.read_user(user_id, uow)
        except NotFound:                                  # deleted between the lookup and now
            return Outcome("invalid")
        reads = [accounts.settings_ref(user)]
        if not accounts.is_built_in(user.get("role", "")):
            reads.append(accounts.role_ref(user.get("role", "")))
        snapshots = uow.get_all(reads)
        org_settings = snapshots.get(reads[0].path)
        lock_policy = accounts.lockout_policy_from(org_settings)
        state = lockout.current(user.get("failedLoginCount"), user.get("lockedUntil"), now)
        # The hash verified above must still be the current one (a concurrent password change).
        correct = password_ok and user.get("passwordHash") == seen["passwordHash"]

        if state.is_locked(now):
            uow.audit("auth.login_failed", "user", user_id, reason="ACCOUNT_LOCKED")
            return Outcome("locked", locked_until=state.locked_until, user=user)
        if user.get("status") == DISABLED and correct:
            uow.audit("auth.login_failed", "user", user_id, reason="ACCOUNT_DISABLED")
            return Outcome("disabled", user=user)
        if not correct or user.get("status") != ACTIVE:
            new_state, just_locked = lockout.after_failure(state, now, lock_policy)
            accounts.write_user(uow, user_ref, user, {"failedLoginCount": new_state.failed_count,
                                                      "lockedUntil": new_state.locked_until}, user_id)
            uow.audit("auth.login_failed", "user", user_id, reason="INVALID_CREDENTIALS",
                      failedCount=state.failed_count + 1)
            if just_locked:
                uow.audit("auth.lockout", "user", user_id, lockedUntil=new_state.locked_until,
                          failures=lock_policy.max_failed_attempts)
                uow.emit(AccountLocked(user_id=user_id, locked_until=new_state.locked_until),
                         subject=f"users/{user_id}")
                return Outcome("locked", locked_until=new_state.locked_until, just_locked=True, user=user)
            return Outcome("invalid", user=user)

        policy = accounts.policy_from(org_settings)
        role_doc = None
        if len(reads) > 1:
            role_snapshot = snapshots.get(reads[1].path)
            role_doc = role_snapshot.to_dict() if role_snapshot is not None and role_snapshot.exists else None
        restricted = accounts.password_change_required(user, policy, now)
        known, is_new_device = devices.remember(user.get("knownDevices"), device)
        changes: dict[str, Any] = {"failedLoginCount": 0, "lockedUntil": None, "lastLoginAt": now,
                                   "knownDevices": known}
        if rehash:
            changes["passwordHash"] = rehash
            history = list(user.get("passwordHistory") or ())
            changes["passwordHistory"] = [rehash, *history[1:]] if history else [rehash]
        user_after = accounts.write_user(uow, user_ref, user, changes, user_id)
        session_id, refresh_token = sessions.new_session(
            uow, user_id, restricted=restricted, ip=ip, user_agent=user_agent,
            policy=settings_from(org_settings).session_policy)
        uow.audit("auth.login", "user", user_id, sessionId=session_id, restricted=restricted,
                  device=devices.describe(user_agent))
        if is_new_device:
            uow.emit(NewDeviceSignIn(user_id=user_id, session_id=session_id, signed_in_at=now,
                                     device=devices.describe(user_agent)),
                     subject=f"users/{user_id}")
        principal = accounts.principal_for(user_id, user, session_id, role_doc, restricted=restricted)
        return Outcome("ok", new_device=is_new_device, user=user_after,
                       result={"principal": principal, "refresh": refresh_token, "restricted": restricted,
                               "permissions": accounts.permissions_of(user, role_doc)})

    outcome = run_in_transaction(work, actor)
    user = outcome.user
    if outcome.status == "locked":
        if outcome.just_locked:
            mail.send_locked_email(user["email"], user.get("name", ""), outcome.locked_until, user_id=user_id)
        raise account_locked(outcome.locked_until)
    if outcome.status == "disabled":
        raise Forbidden("ACCOUNT_DISABLED", "This account is disabled; contact your administrator")
    if outcome.status != "ok":
        raise invalid_credentials()

    principal = outcome.result["principal"]
    restricted = outcome.result["restricted"]
    if outcome.new_device:
        mail.send_new_sign_in_email(user["email"], user.get("name", ""), devices.describe(user_agent), ip,
                                    user_id=user_id)
    firebase_token = None if restricted else _firebase_token(user_id, user)
    view = accounts.auth_user_view(user_id, user, principal.permissions if restricted
                                   else outcome.result["permissions"])
    return {"user": view, "tokens": sessions.tokens_view(principal, outcome.result["refresh"]),
            "firebaseToken": firebase_token, "requiresPasswordChange": restricted}


def _fail_unknown(email: str | None, user_id: str | None, actor: Actor) -> datetime | None:
    """Count and audit a failed sign-in for an e-mail with no usable account, under the lockout rules
    of `settings/global`; the lock's end when the address is (or just became) locked."""
    ref = collection(LOGIN_FAILURES).document(keyed_hash("login-failures", email)[:40]) if email else None

    def work(uow: UnitOfWork) -> datetime | None:
        now = clock.now()
        locked_until, reason = None, "INVALID_CREDENTIALS"
        if ref is not None:                            # a malformed address cannot be an account: not counted
            settings_ref = accounts.settings_ref({})
            snapshots = uow.get_all([ref, settings_ref])
            snapshot = snapshots.get(ref.path)
            stored = snapshot.to_dict() if snapshot is not None and snapshot.exists else None
            if stored is None or stored["expiresAt"] <= now:      # the TTL deletes it some time later
                stored = {}
            state = lockout.current(stored.get("failedLoginCount"), stored.get("lockedUntil"), now)
            if state.is_locked(now):
                locked_until, reason = state.locked_until, "ACCOUNT_LOCKED"
            else:
                state, just_locked = lockout.after_failure(
                    state, now, accounts.lockout_policy_from(snapshots.get(settings_ref.path)))
                uow.set(ref, {"failedLoginCount": state.failed_count, "lockedUntil": state.locked_until,
                              "expiresAt": now + UNKNOWN_MEMORY})
                locked_until = state.locked_until if just_locked else None
        uow.audit("auth.login_failed", "user", user_id or "unknown", reason=reason,
                  email=_mask(email) if email else None)
        return locked_until

    return run_in_transaction(work, actor)


def _firebase_token(user_id: str, user: dict[str, Any]) -> str | None:
    """The Firebase custom token for realtime listeners; a failure leaves the API usable (logged)."""
    try:
        return create_custom_token(user_id, {
            "userId": user_id,
            "role": user.get("role"),
            "partnerId": user.get("partnerId"),
            "organizationIds": list(user.get("organizationIds") or ()),
        })
    except Exception as error:  # noqa: BLE001 - sign-in works without realtime listeners
        log(logger, logging.ERROR, "firebase custom token failed", userId=user_id, error=repr(error)[:300])
        return None




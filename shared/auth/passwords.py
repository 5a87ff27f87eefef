"""Password hashing with Argon2id (argon2-cffi).

Production and local runs use argon2-cffi's defaults (RFC 9106 "low memory" profile: t=3, 64 MiB,
p=4). Only the test suite (`TRADEHUB_ENV=test`) uses a cheap profile, so hundreds of logins stay fast;
the parameters live in each hash, so a hash made with either profile verifies with the other, and a
login rehashes a password whose parameters are out of date.
"""
from __future__ import annotations

import secrets
import threading
from typing import Any

from shared.config import settings

_hasher: Any = None
_hasher_env: str | None = None
_dummy_hash: str | None = None
_lock = threading.Lock()

TEST_PROFILE = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def hasher() -> Any:
    """The PasswordHasher for the current environment, created on first use."""
    global _hasher, _hasher_env, _dummy_hash

    env = settings().env
    with _lock:
        if _hasher is None or _hasher_env != env:
            from argon2 import PasswordHasher

            _hasher = PasswordHasher(**TEST_PROFILE) if env == "test" else PasswordHasher()
            _hasher_env, _dummy_hash = env, None
        return _hasher


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; False for a mismatch or an unreadable hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if not password_hash:
        burn_verify(password)
        return False
    try:
        return bool(hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return bool(hasher().check_needs_rehash(password_hash))
    except Exception:  # noqa: BLE001 - an unreadable hash is replaced at the next successful login
        return True


def burn_verify(password: str) -> None:
    """Spend the time of one real verification (unknown e-mail, no password yet): no timing oracle."""
    global _dummy_hash
    from argon2.exceptions import VerificationError

    active = hasher()
    if _dummy_hash is None:
        _dummy_hash = active.hash(secrets.token_urlsafe(24))
    try:
        active.verify(_dummy_hash, password)
    except VerificationError:
        pass

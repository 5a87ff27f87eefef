"""Opaque secrets handed to users (refresh tokens, invite and reset links): 256-bit random, stored hashed.

Only the SHA-256 of a token is stored, so a read of the database never yields a usable token. The
tokens are random (not passwords), so a plain fast hash is enough: nothing to brute-force.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from shared.config import settings

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two hex digests (False when either is missing)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode(), b.encode())


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 with a key derived from the signing key: for short secrets (OTP codes) that a plain
    hash would not protect (10^6 guesses), and for stable ids derived from personal data."""
    signing_key = settings().jwt_signing_key.get_secret_value().encode()
    key = hmac.new(signing_key, f"tradehub:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

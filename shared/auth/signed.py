"""The one JWT helper: HS256 tokens signed with the API key, for access, verification and application
tokens, each kind under its own audience (so one can never pass as another).

Only HS256 with our key is accepted: `alg: none`, other algorithms, another key, a wrong audience or
issuer fail. Expiry is judged by shared/clock.py (which tests move), not PyJWT's wall clock.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from shared import clock
from shared.config import settings

ISSUER = "tradehub"
ALGORITHM = "HS256"


class TokenRejected(Exception):
    """`expired` True when the token was valid but is past its `exp`."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _key() -> str:
    return settings().jwt_signing_key.get_secret_value()


def sign(audience: str, subject: str, ttl: timedelta, claims: dict[str, Any] | None = None, *,
         issued: datetime | None = None) -> tuple[str, dict[str, Any]]:
    """(token, its claims) for `subject`, valid for `ttl` from `issued` (now); `claims` are added to the
    registered ones."""
    import jwt

    issued = issued or clock.now()
    body: dict[str, Any] = {"iss": ISSUER, "aud": audience, "sub": subject, "jti": uuid.uuid4().hex,
                            "iat": int(issued.timestamp()), "exp": int((issued + ttl).timestamp()),
                            **(claims or {})}
    return jwt.encode(body, _key(), algorithm=ALGORITHM), body


def verify(token: str, audience: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The claims of a valid, unexpired token for `audience` carrying `required`; TokenRejected otherwise."""
    import jwt

    if not token or not isinstance(token, str):
        raise TokenRejected()
    try:
        claims = jwt.decode(token, _key(), algorithms=[ALGORITHM], audience=audience,
                            issuer=ISSUER, options={"require": ["exp", "iat", "sub", "aud", "iss", *required],
                                                    "verify_exp": False, "verify_iat": False,
                                                    "verify_nbf": False})
    except jwt.PyJWTError:
        raise TokenRejected() from None
    if claims["exp"] <= clock.now().timestamp():
        raise TokenRejected(expired=True)
    return claims


"""Signed access tokens (JWT, HS256, 15 minutes) that carry the principal.

Only HS256 with our key is accepted: `alg: none`, other algorithms, another key, a wrong audience or
issuer, and expired tokens all fail verification.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from shared import clock
from shared.auth.principal import Principal

ACCESS_TOKEN_TTL = timedelta(minutes=15)
RESTRICTED_TOKEN_TTL = timedelta(minutes=10)
ISSUER = "tradehub"
AUDIENCE = "tradehub-api"
ALGORITHM = "HS256"


class InvalidToken(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def issue_access_token(principal: Principal, ttl: timedelta | None = None) -> tuple[str, int]:
    """(token, lifetime in seconds) for `principal`."""
    import jwt

    from shared.config import settings

    lifetime = ttl or (RESTRICTED_TOKEN_TTL if principal.restricted else ACCESS_TOKEN_TTL)
    issued = clock.now()
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": principal.user_id,
        "sid": principal.session_id,
        "jti": uuid.uuid4().hex,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
        "kind": principal.kind,
        "role": principal.role,
        "perms": sorted(principal.permissions),
        "pid": principal.partner_id,
        "orgs": list(principal.organization_ids),
        "rst": principal.restricted,
        "br": list(principal.branch_ids),
    }
    return jwt.encode(claims, settings().jwt_signing_key, algorithm=ALGORITHM), int(lifetime.total_seconds())


def verify_access_token(token: str) -> Principal:
    import jwt

    from shared.config import settings

    try:
        claims = jwt.decode(
            token,
            settings().jwt_signing_key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            # exp (below) and iat are judged by our clock, not PyJWT's wall clock: a token issued while
            # tests move the clock forward would otherwise be "not yet valid".
            options={"require": ["exp", "iat", "sub", "sid", "aud", "iss"], "verify_exp": False,
                     "verify_iat": False},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken("INVALID_TOKEN", "The access token is not valid") from error
    # Expiry is checked against our clock (which tests can move), not the wall clock.
    if claims["exp"] <= clock.now().timestamp():
        raise InvalidToken("TOKEN_EXPIRED", "The access token has expired")
    return Principal(
        user_id=claims["sub"],
        session_id=claims["sid"],
        kind=claims.get("kind", ""),
        role=claims.get("role", ""),
        permissions=frozenset(claims.get("perms") or ()),
        partner_id=claims.get("pid"),
        organization_ids=tuple(claims.get("orgs") or ()),
        restricted=bool(claims.get("rst")),
        branch_ids=tuple(claims.get("br") or ()),
    )

"""Signed access tokens (JWT through shared/auth/signed.py, 15 minutes) that carry the principal."""
from __future__ import annotations

from datetime import timedelta

from shared.auth import signed
from shared.auth.principal import Principal

ACCESS_TOKEN_TTL = timedelta(minutes=15)
RESTRICTED_TOKEN_TTL = timedelta(minutes=10)
ISSUER, ALGORITHM = signed.ISSUER, signed.ALGORITHM
AUDIENCE = "tradehub-api"


class InvalidToken(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def issue_access_token(principal: Principal, ttl: timedelta | None = None) -> tuple[str, int]:
    """(token, lifetime in seconds) for `principal`."""
    lifetime = ttl or (RESTRICTED_TOKEN_TTL if principal.restricted else ACCESS_TOKEN_TTL)
    token, _ = signed.sign(AUDIENCE, principal.user_id, lifetime, {
        "sid": principal.session_id,
        "kind": principal.kind,
        "role": principal.role,
        "perms": sorted(principal.permissions),
        "pid": principal.partner_id,
        "orgs": list(principal.organization_ids),
        "rst": principal.restricted,
        "br": list(principal.branch_ids),
    })
    return token, int(lifetime.total_seconds())


def verify_access_token(token: str) -> Principal:
    try:
        claims = signed.verify(token, AUDIENCE, required=("sid",))
    except signed.TokenRejected as rejected:
        if rejected.expired:
            raise InvalidToken("TOKEN_EXPIRED", "The access token has expired") from None
        raise InvalidToken("INVALID_TOKEN", "The access token is not valid") from None
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

"""Signed access tokens (JWT through shared/auth/signed.py, 15 minutes) that carry the principal.

The permissions travel as a bit mask over the sorted catalogue (`pm`, hex) with the catalogue's
fingerprint (`pv`): an administrator's 34 names made the token 2.5 times as long, and every request
pays for each character of it (base64 checks, HMAC, JSON). A token whose fingerprint is not this
deployment's catalogue (issued before a permission was added or removed) is refused as TOKEN_EXPIRED, so
the client refreshes it; a bit never names another permission than the one it was issued for. A principal
with a name outside the catalogue keeps the plain list (`perms`), which is still accepted.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from shared.auth import signed
from shared.auth.permissions import PERMISSIONS
from shared.auth.principal import Principal

ACCESS_TOKEN_TTL = timedelta(minutes=15)
RESTRICTED_TOKEN_TTL = timedelta(minutes=10)
ISSUER, ALGORITHM = signed.ISSUER, signed.ALGORITHM
AUDIENCE = "tradehub-api"


_CATALOGUE = tuple(sorted(PERMISSIONS))
_BITS = {name: 1 << index for index, name in enumerate(_CATALOGUE)}
CATALOGUE_FINGERPRINT = hashlib.sha256("\n".join(_CATALOGUE).encode()).hexdigest()[:8]


def _permission_claims(permissions: frozenset[str]) -> dict[str, object]:
    if not permissions <= _BITS.keys():
        return {"perms": sorted(permissions)}
    mask = 0
    for name in permissions:
        mask |= _BITS[name]
    return {"pm": format(mask, "x"), "pv": CATALOGUE_FINGERPRINT}


def _permissions(claims: dict) -> frozenset[str]:
    if "pm" not in claims:
        return frozenset(claims.get("perms") or ())
    mask = claims["pm"]
    if claims.get("pv") != CATALOGUE_FINGERPRINT:
        # Genuine (signed with our key) but issued against another catalogue: stale, like an expired one.
        raise InvalidToken("TOKEN_EXPIRED", "The access token predates this permission catalogue; refresh it")
    if not isinstance(mask, str):
        raise InvalidToken("INVALID_TOKEN", "The access token is not valid")
    try:
        bits = int(mask, 16)
    except ValueError:
        raise InvalidToken("INVALID_TOKEN", "The access token is not valid") from None
    if bits < 0 or bits >> len(_CATALOGUE):
        raise InvalidToken("INVALID_TOKEN", "The access token is not valid")
    return frozenset(name for name, bit in _BITS.items() if bits & bit)


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
        **_permission_claims(principal.permissions),
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
        permissions=_permissions(claims),
        partner_id=claims.get("pid"),
        organization_ids=tuple(claims.get("orgs") or ()),
        restricted=bool(claims.get("rst")),
        branch_ids=tuple(claims.get("br") or ()),
    )

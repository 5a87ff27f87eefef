"""Access tokens (shared/auth/tokens.py): the round trip and every way a token is refused."""
from __future__ import annotations

import base64
import json
import secrets
from dataclasses import replace
from datetime import timedelta

import jwt
import pytest

from shared import clock
from shared.auth.principal import BACK_OFFICE, Principal
from shared.auth.tokens import InvalidToken, issue_access_token, verify_access_token
from shared.config import settings

PRINCIPAL = Principal(user_id="u1", session_id="s1", kind=BACK_OFFICE, role="ADMIN",
                      permissions=frozenset({"users:read"}), organization_ids=("org-a",), branch_ids=("b1",))


@pytest.fixture(autouse=True)
def _clock():
    clock.reset()
    yield
    clock.reset()


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_access_token_round_trip_carries_the_principal():
    token, lifetime = issue_access_token(PRINCIPAL)
    assert lifetime == 900
    assert verify_access_token(token) == PRINCIPAL


def test_tampered_alg_none_foreign_key_and_expired_tokens_are_refused():
    token, _ = issue_access_token(PRINCIPAL)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tampered = ".".join([header, _b64({**claims, "perms": ["*"]}), signature])
    alg_none = ".".join([_b64({"alg": "none", "typ": "JWT"}), _b64(claims), ""])
    foreign = jwt.encode(claims, secrets.token_urlsafe(48), algorithm="HS256")
    wrong_audience = jwt.encode({**claims, "aud": "tradehub-verification"},
                                settings().jwt_signing_key.get_secret_value(), algorithm="HS256")
    for bad in (tampered, alg_none, foreign, wrong_audience, "not-a-token"):
        with pytest.raises(InvalidToken) as failure:
            verify_access_token(bad)
        assert failure.value.code == "INVALID_TOKEN"
    clock.advance(timedelta(minutes=15))
    with pytest.raises(InvalidToken) as expired:
        verify_access_token(token)
    assert expired.value.code == "TOKEN_EXPIRED"


def test_restricted_tokens_live_ten_minutes():
    _, lifetime = issue_access_token(replace(PRINCIPAL, restricted=True))
    assert lifetime == 600


def test_permissions_travel_as_a_mask_of_the_catalogue_and_another_catalogue_is_refused():
    from shared.auth import signed, tokens
    from shared.auth.permissions import BUILT_IN_ROLES

    admin = replace(PRINCIPAL, permissions=BUILT_IN_ROLES["ADMIN"])
    token, _ = issue_access_token(admin)
    assert verify_access_token(token) == admin
    assert len(token) < 600                       # 34 permission names made it over 1,200 characters
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert "perms" not in claims and claims["pv"] == tokens.CATALOGUE_FINGERPRINT
    assert verify_access_token(issue_access_token(replace(PRINCIPAL, permissions=frozenset()))[0]).permissions \
        == frozenset()
    # A name outside the catalogue keeps the plain list.
    odd = replace(PRINCIPAL, permissions=frozenset({"users:read", "made:up"}))
    assert verify_access_token(issue_access_token(odd)[0]) == odd
    # Signed with our key but against another catalogue: stale (the client refreshes), never reinterpreted.
    base = {k: v for k, v in claims.items() if k not in ("iss", "aud", "sub", "iat", "exp")}
    stale, _ = signed.sign(tokens.AUDIENCE, "u1", timedelta(minutes=5), {**base, "pv": "00000000"})
    with pytest.raises(InvalidToken) as refused:
        verify_access_token(stale)
    assert refused.value.code == "TOKEN_EXPIRED"
    for bad in ({**base, "pm": "f" * 40}, {**base, "pm": "-1"}, {**base, "pm": 3}, {**base, "pm": "zz"}):
        forged, _ = signed.sign(tokens.AUDIENCE, "u1", timedelta(minutes=5), bad)
        with pytest.raises(InvalidToken) as failure:
            verify_access_token(forged)
        assert failure.value.code == "INVALID_TOKEN"

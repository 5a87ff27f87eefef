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

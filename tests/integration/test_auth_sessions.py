"""Sessions: refresh rotation and reuse, idle and absolute ends, logout, the sessions list, token checks."""
from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime, timedelta

import jwt
import pytest

from functions.auth.sessions import ROTATION_GRACE
from shared import clock
from tests.support.auth import audit_entries, make_user, sign_in

EMAIL = "ravi.sales@example.com"


@pytest.fixture
def user(api, capture):
    return make_user(EMAIL, role="SALES")


def _session(api, **kwargs):
    body = sign_in(api, EMAIL, **kwargs)
    return body["tokens"]["accessToken"], body["tokens"]["refreshToken"]


def test_a_refresh_token_works_once_and_its_reuse_ends_the_session(api, user):
    access, refresh = _session(api)
    first = api.post("/api/auth/refresh", json={"refreshToken": refresh})
    assert first.status_code == 200
    new_access, new_refresh = first.get_json()["tokens"]["accessToken"], first.get_json()["tokens"]["refreshToken"]
    assert new_refresh != refresh
    assert api.get("/api/auth/me", token=new_access).status_code == 200
    clock.advance(ROTATION_GRACE + timedelta(seconds=1))
    reuse = api.post("/api/auth/refresh", json={"refreshToken": refresh})
    assert reuse.status_code == 401 and reuse.get_json()["code"] == "REFRESH_TOKEN_REUSED"
    for token in (access, new_access):
        assert api.get("/api/auth/me", token=token).status_code == 401
    again = api.post("/api/auth/refresh", json={"refreshToken": new_refresh})
    assert again.status_code == 401
    assert len(audit_entries(action="auth.refresh_token_reused")) == 1


def test_the_token_just_rotated_by_a_concurrent_refresh_is_409_and_ends_nothing(api, user):
    # Two tabs sharing one storage: the second may still read the token the first has just rotated.
    _, refresh = _session(api)
    first = api.post("/api/auth/refresh", json={"refreshToken": refresh})
    assert first.status_code == 200
    rotated = first.get_json()["tokens"]
    clock.advance(ROTATION_GRACE - timedelta(seconds=1))
    late = api.post("/api/auth/refresh", json={"refreshToken": refresh})
    assert late.status_code == 409 and late.get_json()["code"] == "REFRESH_TOKEN_ROTATED", late.get_json()
    assert "tokens" not in late.get_json()
    assert api.get("/api/auth/me", token=rotated["accessToken"]).status_code == 200
    assert audit_entries(action="auth.refresh_token_reused") == []
    # The rotated token still works once; the one before it, an older generation now, ends the session.
    second = api.post("/api/auth/refresh", json={"refreshToken": rotated["refreshToken"]})
    assert second.status_code == 200
    older = api.post("/api/auth/refresh", json={"refreshToken": refresh})
    assert older.status_code == 401 and older.get_json()["code"] == "REFRESH_TOKEN_REUSED"
    assert api.get("/api/auth/me", token=second.get_json()["tokens"]["accessToken"]).status_code == 401


def test_garbage_refresh_tokens_are_401_and_revoke_nothing(api, user):
    access, refresh = _session(api)
    session_id = refresh.split(".")[0]
    for bad in (f"{session_id}.{secrets.token_urlsafe(32)}", "nodot" * 3, f"../../x.{secrets.token_urlsafe(8)}"):
        response = api.post("/api/auth/refresh", json={"refreshToken": bad})
        assert response.status_code == 401 and response.get_json()["code"] == "INVALID_REFRESH_TOKEN"
    assert api.get("/api/auth/me", token=access).status_code == 200


def test_idle_30_minutes_ends_the_session_and_activity_extends_it(api, user):
    access, refresh = _session(api)
    clock.advance(timedelta(minutes=14))
    tokens = api.post("/api/auth/refresh", json={"refreshToken": refresh}).get_json()["tokens"]
    access, refresh = tokens["accessToken"], tokens["refreshToken"]
    clock.advance(timedelta(minutes=10))
    activity = api.post("/api/auth/session/activity", token=access)
    assert activity.status_code == 200, activity.get_json()
    clock.advance(timedelta(minutes=29))                     # 53 minutes in, 29 since activity
    refreshed = api.post("/api/auth/refresh", json={"refreshToken": refresh})
    access = refreshed.get_json()["tokens"]["accessToken"]
    assert api.get("/api/auth/me", token=access).status_code == 200
    clock.advance(timedelta(minutes=1, seconds=1))
    response = api.get("/api/auth/session", token=access)
    assert response.status_code == 401 and response.get_json()["code"] == "SESSION_IDLE_TIMEOUT"


def test_refresh_does_not_keep_an_idle_session_alive(api, user):
    _, refresh = _session(api)
    clock.advance(timedelta(minutes=14))
    refresh = api.post("/api/auth/refresh", json={"refreshToken": refresh}).get_json()["tokens"]["refreshToken"]
    clock.advance(timedelta(minutes=17))
    response = api.post("/api/auth/refresh", json={"refreshToken": refresh})
    assert response.status_code == 401 and response.get_json()["code"] == "SESSION_IDLE_TIMEOUT"


def test_twelve_hours_in_all_ends_the_session_whatever_the_activity(api, user):
    access, refresh = _session(api)
    for _ in range(11 * 4 + 3):                                # 11 h 45 min of steady use
        clock.advance(timedelta(minutes=15))
        tokens = api.post("/api/auth/refresh", json={"refreshToken": refresh}).get_json()["tokens"]
        access, refresh = tokens["accessToken"], tokens["refreshToken"]
        assert api.post("/api/auth/session/activity", token=access).status_code == 200
    clock.advance(timedelta(minutes=15))
    response = api.post("/api/auth/refresh", json={"refreshToken": refresh})
    assert response.status_code == 401 and response.get_json()["code"] == "SESSION_EXPIRED"
    assert api.get("/api/auth/me", token=access).status_code == 401


def test_logout_ends_only_this_session_and_logout_all_ends_every_one(api, user):
    first, _ = _session(api)
    second, _ = _session(api)
    third, refresh3 = _session(api)
    assert api.post("/api/auth/logout", token=first).status_code == 204
    assert api.get("/api/auth/me", token=first).status_code == 401
    assert api.get("/api/auth/me", token=second).status_code == 200
    assert api.post("/api/auth/logout-all", token=second).status_code == 204
    for token in (second, third):
        assert api.get("/api/auth/me", token=token).status_code == 401
    assert api.post("/api/auth/refresh", json={"refreshToken": refresh3}).status_code == 401
    assert [e["sessionsEnded"] for e in audit_entries(action="auth.logout_all")] == [2]


def test_the_sessions_list_shows_devices_and_a_user_can_end_one(api, user, capture):
    chrome = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
    phone, _ = _session(api, user_agent="Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile")
    desk, _ = _session(api, user_agent=chrome, ip="203.0.113.9")
    listed = api.get("/api/auth/sessions", token=desk).get_json()["items"]
    assert {item["device"] for item in listed} == {"Chrome on Windows", "Chrome on Android"}
    mine = next(item for item in listed if item["current"])
    assert mine["ip"] == "203.0.113.9" and mine["lastActivityAt"]
    other = next(item for item in listed if not item["current"])
    assert api.delete(f"/api/auth/sessions/{other['id']}", token=desk).status_code == 204
    assert api.get("/api/auth/me", token=phone).status_code == 401
    assert [item["id"] for item in api.get("/api/auth/sessions", token=desk).get_json()["items"]] == [mine["id"]]


def test_another_users_session_is_404(api, user):
    make_user("other@example.com", role="SALES")
    theirs = sign_in(api, "other@example.com")["tokens"]["refreshToken"].split(".")[0]
    mine, _ = _session(api)
    for session_id in (theirs, "no-such-session"):
        response = api.delete(f"/api/auth/sessions/{session_id}", token=mine)
        assert response.status_code == 404 and response.get_json()["code"] == "SESSION_NOT_FOUND"
    # An id Firestore refuses never reaches the service: the pipeline's one path-id check answers it.
    malformed = api.delete("/api/auth/sessions/__bad__", token=mine)
    assert malformed.status_code == 404 and malformed.get_json()["code"] == "NOT_FOUND"


def test_current_session_describes_its_limits(api, user):
    access, _ = _session(api)
    body = api.get("/api/auth/session", token=access).get_json()
    assert body["current"] is True and body["restricted"] is False
    assert body["idleExpiresAt"] > body["lastActivityAt"] and body["absoluteExpiresAt"] > body["idleExpiresAt"]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_tampered_expired_alg_none_and_foreign_key_tokens_are_401(api, user):
    access, _ = _session(api)
    header, payload, signature = access.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = {
        "tampered": ".".join([header, _b64({**claims, "perms": ["*"]}), signature]),
        "alg none": ".".join([_b64({"alg": "none", "typ": "JWT"}), _b64({**claims, "perms": ["*"]}), ""]),
        "foreign key": jwt.encode({**claims, "perms": ["*"]}, secrets.token_urlsafe(48), algorithm="HS256"),
    }
    for name, token in forged.items():
        response = api.get("/api/users", token=token)
        assert response.status_code == 401, name
        assert response.get_json()["code"] == "INVALID_TOKEN", name
    assert api.get("/api/auth/me").status_code == 401                     # no token at all
    clock.advance(timedelta(minutes=15))
    expired = api.get("/api/auth/me", token=access)
    assert expired.status_code == 401 and expired.get_json()["code"] == "TOKEN_EXPIRED"


def test_a_valid_token_without_the_permission_is_403(api, user):
    access, _ = _session(api)                                  # SALES: no users:read, no audit:read
    for path in ("/api/users", "/api/audit", "/api/roles"):
        response = api.get(path, token=access)
        assert response.status_code == 403, path
        assert response.get_json()["code"] == "PERMISSION_DENIED"


def test_an_organizations_shorter_session_policy_ends_a_session_at_its_idle_limit(api, capture):
    from functions.masters.public import settings_ref

    settings_ref("org-short").set({"orgId": "org-short", "sessionPolicy": {"idleMinutes": 10, "absoluteHours": 2}})
    make_user("short.idle@example.com", role="SALES", organization_ids=["org-short"])
    make_user(EMAIL, role="SALES")                       # the default organization: 30 minutes
    short = sign_in(api, "short.idle@example.com")["tokens"]["accessToken"]
    default = sign_in(api, EMAIL)["tokens"]["accessToken"]
    described = api.get("/api/auth/session", token=short).get_json()
    last, idle_end = (datetime.fromisoformat(described[k].replace("Z", "+00:00"))
                      for k in ("lastActivityAt", "idleExpiresAt"))
    assert idle_end - last == timedelta(minutes=10)
    clock.advance(timedelta(minutes=9, seconds=50))
    assert api.get("/api/auth/me", token=short).status_code == 200
    clock.advance(timedelta(seconds=10))                 # 10 minutes idle
    ended = api.get("/api/auth/me", token=short)
    assert ended.status_code == 401 and ended.get_json()["code"] == "SESSION_IDLE_TIMEOUT"
    assert api.get("/api/auth/me", token=default).status_code == 200


def test_a_session_policy_above_domain_limits_is_capped_at_them(api, capture):
    from functions.masters.public import settings_ref

    settings_ref("org-long").set({"orgId": "org-long", "sessionPolicy": {"idleMinutes": 600, "absoluteHours": 72}})
    make_user("long.idle@example.com", role="SALES", organization_ids=["org-long"])
    refresh = sign_in(api, "long.idle@example.com")["tokens"]["refreshToken"]
    clock.advance(timedelta(minutes=29))
    access = api.post("/api/auth/refresh", json={"refreshToken": refresh}).get_json()["tokens"]["accessToken"]
    assert api.get("/api/auth/me", token=access).status_code == 200
    clock.advance(timedelta(minutes=1))                  # 30 minutes idle: DOMAIN.md's maximum, not 600
    ended = api.get("/api/auth/me", token=access)
    assert ended.status_code == 401 and ended.get_json()["code"] == "SESSION_IDLE_TIMEOUT"

"""The audit log: one entry per identity event, no secret material, and GET /api/audit."""
from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest

from shared import clock
from tests.support.auth import GOOD_PASSWORD, audit_entries, login, make_user, sign_in, token_in

EMAIL = "tara.trail@example.com"
NEW_PASSWORD = "Orchard#Velvet81"
RESET_PASSWORD = "Granite!Sparrow27"


@pytest.fixture
def admin(api, capture):
    make_user("auditor.admin@example.com", role="ADMIN")
    return sign_in(api, "auditor.admin@example.com")["tokens"]["accessToken"]


def test_one_entry_per_event_and_no_secret_material(api, admin, capture):
    from shared.db import collection

    user_id = make_user(EMAIL, role="SALES")
    secrets_seen: list[str] = [GOOD_PASSWORD, NEW_PASSWORD, RESET_PASSWORD]
    before = Counter(e["action"] for e in audit_entries(entityId=user_id))
    assert not before

    assert login(api, EMAIL, "Wrong#Password90").status_code == 401                        # login failure
    first = sign_in(api, EMAIL)                                                            # login success
    secrets_seen += [first["tokens"]["accessToken"], first["tokens"]["refreshToken"]]
    changed = api.post("/api/auth/password/change", token=first["tokens"]["accessToken"],
                       json={"currentPassword": GOOD_PASSWORD, "newPassword": NEW_PASSWORD}).get_json()
    secrets_seen += [changed["tokens"]["accessToken"], changed["tokens"]["refreshToken"]]
    assert api.post("/api/auth/logout", token=changed["tokens"]["accessToken"],
                    headers={"X-Forwarded-For": "203.0.113.5", "User-Agent": "Firefox/127.0"}).status_code == 204
    api.post("/api/auth/password-reset/request", json={"email": EMAIL})
    reset_token = token_in(capture.emails(to=EMAIL)[-1]["text"], "/reset-password")
    secrets_seen.append(reset_token)
    assert api.post("/api/auth/password-reset/confirm",
                    json={"token": reset_token, "newPassword": RESET_PASSWORD}).status_code == 204
    assert api.put(f"/api/users/{user_id}/permissions", token=admin,
                   json={"grants": ["audit:read"], "revocations": []}).status_code == 200
    for n in range(5):
        login(api, EMAIL, f"Wrong#Password9{n}")                                          # the 5th locks

    counts = Counter(e["action"] for e in audit_entries(entityId=user_id))
    assert counts == Counter({
        "auth.login_failed": 6, "auth.login": 1, "auth.password_changed": 1, "auth.password_reset_requested": 1,
        "auth.password_reset": 1, "user.permissions_changed": 1, "auth.lockout": 1})
    [logout] = audit_entries(action="auth.logout")
    assert (logout["userId"], logout["ip"], logout["userAgent"]) == (user_id, "203.0.113.5", "Firefox/127.0")
    assert logout["requestId"] and logout["entity"] == "session"
    every = json.dumps([s.to_dict() for s in collection("auditLog").stream()], default=str)
    for secret in secrets_seen:
        assert secret not in every
    stored_hashes = [collection("users").document(user_id).get().to_dict()["passwordHash"]]
    assert "$argon2" not in every and stored_hashes[0] not in every
    assert "refreshTokenHash" not in every


def test_audit_query_filters_and_pages(api, admin, capture):
    user_id = make_user(EMAIL, role="SALES")
    for n in range(3):
        clock.advance(timedelta(seconds=1))
        login(api, EMAIL, f"Wrong#Password9{n}")
    clock.advance(timedelta(seconds=1))
    sign_in(api, EMAIL)
    page = api.get(f"/api/audit?userId={user_id}&action=auth.login_failed&pageSize=2", token=admin)
    assert page.status_code == 200
    body = page.get_json()
    assert len(body["items"]) == 2 and body["nextPageToken"]
    assert all(item["action"] == "auth.login_failed" and item["entityId"] == user_id for item in body["items"])
    assert body["items"][0]["at"] > body["items"][1]["at"]
    assert body["items"][0]["details"]["reason"] == "INVALID_CREDENTIALS"
    rest = api.get(f"/api/audit?userId={user_id}&action=auth.login_failed&pageSize=2"
                   f"&pageToken={body['nextPageToken']}", token=admin).get_json()
    assert len(rest["items"]) == 1 and rest["nextPageToken"] is None
    by_entity = api.get(f"/api/audit?entity=user&entityId={user_id}", token=admin).get_json()["items"]
    assert by_entity[0]["action"] == "auth.login"
    window_start = by_entity[0]["at"]
    recent = api.get(f"/api/audit?entity=user&entityId={user_id}&from={window_start}", token=admin).get_json()
    assert [item["action"] for item in recent["items"]] == ["auth.login"]
    bad = api.get("/api/audit?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", token=admin)
    assert bad.status_code == 422
    assert api.get("/api/audit?pageToken=garbage", token=admin).status_code == 400


def test_the_audit_log_shows_an_admin_only_its_organizations_and_entries_of_none(api, admin, capture):
    from tests.support.auth import OTHER_ORG

    make_user("beta.admin@example.com", role="ADMIN", organization_ids=[OTHER_ORG])
    beta_admin = sign_in(api, "beta.admin@example.com")["tokens"]["accessToken"]
    beta_user = make_user("beta.worker@example.com", role="SALES", organization_ids=[OTHER_ORG])
    login(api, "beta.worker@example.com", "Wrong#Password90")            # acts as the account: org-beta
    etag = api.get(f"/api/users/{beta_user}", token=beta_admin).headers["ETag"]
    renamed = api.patch(f"/api/users/{beta_user}", token=beta_admin, headers={"If-Match": etag},
                        json={"name": "Renamed In Beta"})
    assert renamed.status_code == 200
    login(api, "nobody.here@example.com", "Wrong#Password91")            # no organization: platform

    def entries(token, query=""):
        response = api.get(f"/api/audit?pageSize=100{query}", token=token)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["items"]

    beta_view = entries(beta_admin, f"&entity=user&entityId={beta_user}")
    assert {item["action"] for item in beta_view} >= {"auth.login_failed", "user.updated"}
    assert all(item["orgIds"] == ["org-beta"] for item in beta_view)
    # the alpha admin asks for the same user by id: nothing, not even that it exists
    assert entries(admin, f"&entity=user&entityId={beta_user}") == []
    assert entries(admin, f"&userId={beta_user}") == []
    alpha_view = entries(admin)
    assert not [item for item in alpha_view if "org-beta" in item["orgIds"]]
    unknown = [item for item in alpha_view if item["entityId"] == "unknown"]
    assert unknown and unknown[0]["orgIds"] == ["*"]
    assert [item["id"] for item in entries(beta_admin) if item["entityId"] == "unknown"] == [unknown[0]["id"]]

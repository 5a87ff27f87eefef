"""Passwords through the API: policy rules, history, expiry, first login, change, reset."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from tests.support.auth import (
    GOOD_PASSWORD,
    ORG,
    audit_entries,
    login,
    make_user,
    set_policy,
    sign_in,
    token_in,
    user_doc,
)

EMAIL = "meera.iyer@example.com"


@pytest.fixture
def user(api, capture):
    return make_user(EMAIL, role="ACCOUNTS")


def change(api, token, new, current=GOOD_PASSWORD):
    return api.post("/api/auth/password/change", token=token, json={"currentPassword": current, "newPassword": new})


def rules_of(response) -> list[str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == "PASSWORD_POLICY"
    assert all(field["field"] == "newPassword" and field["message"] for field in body["details"]["fields"])
    return [field["rule"] for field in body["details"]["fields"]]


@pytest.mark.parametrize(("password", "rule"), [
    ("Sh0rt#x", "min_length"),
    ("Aa1#" + "qwzx" * 32, "max_length"),
    ("no-upper-case-42", "uppercase"),
    ("NO-LOWER-CASE-42", "lowercase"),
    ("No-Digits-Here!", "digit"),
    ("NoSpecials4242", "special"),
    ("Password123!", "common_password"),
    ("Meera#Lantern42", "contains_email"),
    (GOOD_PASSWORD, "history"),
])
def test_each_policy_rule_rejects_with_422_naming_the_rule(api, user, password, rule):
    token = sign_in(api, EMAIL)["tokens"]["accessToken"]
    assert rules_of(change(api, token, password)) == [rule]
    assert user_doc(user)["passwordChangedAt"] < clock.now()             # nothing changed
    sign_in(api, EMAIL)


def test_the_fifth_reuse_is_refused_and_the_sixth_allowed(api, user):
    token = sign_in(api, EMAIL)["tokens"]["accessToken"]
    passwords = [f"Harbour#Finch{n}{n}" for n in range(1, 6)]
    for password, current in zip(passwords[:4], [GOOD_PASSWORD, *passwords[:3]], strict=True):
        response = change(api, token, password, current)
        assert response.status_code == 200, response.get_data(as_text=True)
        token = response.get_json()["tokens"]["accessToken"]
    # history: P4 P3 P2 P1 GOOD — the original is the 5th most recent: refused
    assert rules_of(change(api, token, GOOD_PASSWORD, passwords[3])) == ["history"]
    token = change(api, token, passwords[4], passwords[3]).get_json()["tokens"]["accessToken"]
    # now P5 P4 P3 P2 P1 — the original would be the 6th: allowed
    response = change(api, token, GOOD_PASSWORD, passwords[4])
    assert response.status_code == 200
    assert len(user_doc(user)["passwordHistory"]) == 5
    sign_in(api, EMAIL, GOOD_PASSWORD)


def test_an_expired_password_signs_in_restricted_and_may_only_change(api, capture):
    user_id = make_user(EMAIL, role="ADMIN")
    from shared.db import collection

    collection("users").document(user_id).update({"passwordChangedAt": clock.now() - timedelta(days=91)})
    other = sign_in(api, EMAIL)                                        # not restricted? it is: same rule
    body = sign_in(api, EMAIL)
    assert body["requiresPasswordChange"] is True and other["requiresPasswordChange"] is True
    assert body["firebaseToken"] is None
    assert body["user"]["permissions"] == ["auth:self"]
    assert body["tokens"]["expiresIn"] == 600
    restricted = body["tokens"]["accessToken"]
    for path in ("/api/auth/me", "/api/users", "/api/auth/sessions", "/api/audit"):
        response = api.get(path, token=restricted)
        assert response.status_code == 403, path
        assert response.get_json()["code"] == "PASSWORD_CHANGE_REQUIRED"
    refreshed = api.post("/api/auth/refresh", json={"refreshToken": body["tokens"]["refreshToken"]}).get_json()
    assert refreshed["requiresPasswordChange"] is True
    assert api.get("/api/users", token=refreshed["tokens"]["accessToken"]).status_code == 403
    response = api.post("/api/auth/password/first-login", token=refreshed["tokens"]["accessToken"],
                        json={"newPassword": "Orchard#Velvet81"})
    assert response.status_code == 200, response.get_data(as_text=True)
    fresh = response.get_json()
    assert fresh["requiresPasswordChange"] is False and "users:manage" in fresh["user"]["permissions"]
    assert api.get("/api/users", token=fresh["tokens"]["accessToken"]).status_code == 200
    assert api.get("/api/auth/me", token=other["tokens"]["accessToken"]).status_code == 401   # other session ended
    assert sign_in(api, EMAIL, "Orchard#Velvet81")["requiresPasswordChange"] is False


def test_first_login_is_refused_for_an_unrestricted_session(api, user):
    token = sign_in(api, EMAIL)["tokens"]["accessToken"]
    response = api.post("/api/auth/password/first-login", token=token, json={"newPassword": "Orchard#Velvet81"})
    assert response.status_code == 409 and response.get_json()["code"] == "PASSWORD_CHANGE_NOT_REQUIRED"


def test_an_admin_issued_temporary_password_must_be_changed_first(api, user, capture):
    make_user("boss@example.com", role="ADMIN")
    admin = sign_in(api, "boss@example.com")["tokens"]["accessToken"]
    victim_session = sign_in(api, EMAIL)["tokens"]["accessToken"]
    response = api.post(f"/api/users/{user}/temporary-password", token=admin)
    assert response.status_code == 200
    temporary = response.get_json()["temporaryPassword"]
    assert api.get("/api/auth/me", token=victim_session).status_code == 401       # sessions ended
    assert all(temporary not in email["text"] for email in capture.emails())        # never by e-mail
    body = sign_in(api, EMAIL, temporary)
    assert body["requiresPasswordChange"] is True
    response = api.post("/api/auth/password/first-login", token=body["tokens"]["accessToken"],
                        json={"newPassword": "Granite!Sparrow27"})
    assert response.status_code == 200
    assert user_doc(user)["mustChangePassword"] is False
    assert sign_in(api, EMAIL, "Granite!Sparrow27")["requiresPasswordChange"] is False


def test_a_change_ends_every_other_session_and_tells_the_user(api, user, capture):
    first = sign_in(api, EMAIL)["tokens"]
    second = sign_in(api, EMAIL)["tokens"]
    response = change(api, second["accessToken"], "Orchard#Velvet81")
    assert response.status_code == 200
    new_tokens = response.get_json()["tokens"]
    assert api.get("/api/auth/me", token=first["accessToken"]).status_code == 401
    assert api.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]}).status_code == 401
    assert api.get("/api/auth/me", token=second["accessToken"]).status_code == 200        # this session lives on
    assert api.post("/api/auth/refresh", json={"refreshToken": new_tokens["refreshToken"]}).status_code == 200
    [email] = capture.emails(to=EMAIL)
    assert "password was changed" in email["subject"]
    assert login(api, EMAIL, GOOD_PASSWORD).status_code == 401
    [entry] = audit_entries(action="auth.password_changed")
    assert entry["sessionsEnded"] == 1


def test_a_wrong_current_password_is_422_and_counts_towards_the_lock(api, user):
    token = sign_in(api, EMAIL)["tokens"]["accessToken"]
    response = change(api, token, "Orchard#Velvet81", current="Not#TheRight1")
    assert response.status_code == 422
    assert response.get_json()["details"]["fields"][0]["rule"] == "current_password"
    assert user_doc(user)["failedLoginCount"] == 1


def test_reset_request_is_202_for_any_address_and_mails_only_real_accounts(api, user, capture):
    unknown = api.post("/api/auth/password-reset/request", json={"email": "ghost@example.com"},
                       headers={"X-Forwarded-For": "192.0.2.10"})
    known = api.post("/api/auth/password-reset/request", json={"email": EMAIL.upper()},
                     headers={"X-Forwarded-For": "192.0.2.11"})
    assert unknown.status_code == known.status_code == 202
    assert unknown.get_json() == known.get_json()
    assert capture.emails(to="ghost@example.com") == []
    [email] = capture.emails(to=EMAIL)
    assert len(token_in(email["text"], "/reset-password")) >= 43                  # 256 bits, url-safe


def test_reset_sets_the_password_once_and_ends_every_session(api, user, capture):
    session = sign_in(api, EMAIL)["tokens"]["accessToken"]
    api.post("/api/auth/password-reset/request", json={"email": EMAIL})
    token = token_in(capture.emails(to=EMAIL)[0]["text"], "/reset-password")
    from shared.auth.opaque import token_hash
    from shared.db import collection

    stored = [s.id for s in collection("passwordResets").stream()]
    assert stored == [token_hash(token)]                                           # only the hash is kept
    weak = api.post("/api/auth/password-reset/confirm", json={"token": token, "newPassword": "weak"})
    assert weak.status_code == 422
    done = api.post("/api/auth/password-reset/confirm", json={"token": token, "newPassword": "Orchard#Velvet81"})
    assert done.status_code == 204
    assert api.get("/api/auth/me", token=session).status_code == 401
    again = api.post("/api/auth/password-reset/confirm", json={"token": token, "newPassword": "Granite!Sparrow27"})
    assert again.status_code == 422 and again.get_json()["code"] == "RESET_TOKEN_INVALID"
    sign_in(api, EMAIL, "Orchard#Velvet81")
    actions = sorted(e["action"] for e in audit_entries(entityId=user) if "reset" in e["action"])
    assert actions == ["auth.password_reset", "auth.password_reset_requested"]


def test_a_reset_link_expires_after_60_minutes(api, user, capture):
    api.post("/api/auth/password-reset/request", json={"email": EMAIL})
    token = token_in(capture.emails(to=EMAIL)[0]["text"], "/reset-password")
    clock.advance(timedelta(minutes=60, seconds=1))
    response = api.post("/api/auth/password-reset/confirm", json={"token": token, "newPassword": "Orchard#Velvet81"})
    assert response.status_code == 422 and response.get_json()["code"] == "RESET_TOKEN_INVALID"
    sign_in(api, EMAIL, GOOD_PASSWORD)


def test_reset_also_lifts_a_lockout(api, user, capture):
    for i in range(5):
        login(api, EMAIL, f"Wrong#Password9{i}")
    assert login(api, EMAIL, GOOD_PASSWORD).status_code == 423
    api.post("/api/auth/password-reset/request", json={"email": EMAIL})
    token = token_in(next(e for e in capture.emails(to=EMAIL) if "Reset" in e["subject"])["text"], "/reset-password")
    assert api.post("/api/auth/password-reset/confirm",
                    json={"token": token, "newPassword": "Orchard#Velvet81"}).status_code == 204
    sign_in(api, EMAIL, "Orchard#Velvet81")


def test_the_organization_policy_and_nist_mode_apply(api, user):
    set_policy(ORG, minLength=12)
    token = sign_in(api, EMAIL)["tokens"]["accessToken"]
    assert rules_of(change(api, token, "Kite#Plum42")) == ["min_length"]                  # 11 < 12
    set_policy(ORG, nistMode=True)
    assert rules_of(change(api, token, "Kite#Plum42xx")) == ["min_length"]                # 13 < 15
    response = change(api, token, "quiet harbour lanterns")                               # no composition
    assert response.status_code == 200, response.get_data(as_text=True)
    from shared.db import collection

    collection("users").document(user).update({"passwordChangedAt": clock.now() - timedelta(days=400)})
    assert sign_in(api, EMAIL, "quiet harbour lanterns")["requiresPasswordChange"] is False   # no expiry

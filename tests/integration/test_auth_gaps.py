"""Authentication gaps of issue 15 (items 5-11): the lock, restricted sessions, OTP pumping, enumeration
through the lock, refresh-token reuse and user versions, each against the emulators."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from tests.support.auth import GOOD_PASSWORD, login, make_user, sign_in, user_doc

EMAIL = "kavya.rao@example.com"
NEW_PASSWORD = "Orchard#Velvet81"


@pytest.fixture
def user(api, capture):
    return make_user(EMAIL, role="ACCOUNTS")


def change(api, token, current, new=NEW_PASSWORD):
    return api.post("/api/auth/password/change", token=token, json={"currentPassword": current, "newPassword": new})


def lock_by_sign_in(api) -> None:
    statuses = [login(api, EMAIL, f"Wrong#Password9{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 423]


# ---- item 5: a password change during a lock ------------------------------------------------------------

def test_a_password_change_during_a_lock_is_423_and_leaves_the_lock_as_it_was(api, user):
    token = sign_in(api, EMAIL)["tokens"]["accessToken"]          # a live session from before the lock
    lock_by_sign_in(api)
    locked = user_doc(user)
    for current in ("Not#TheRight1", "Not#TheRight2", GOOD_PASSWORD):
        response = change(api, token, current)
        assert response.status_code == 423, response.get_data(as_text=True)
        assert response.get_json()["code"] == "ACCOUNT_LOCKED"
        assert response.get_json()["details"]["lockedUntil"] == clock.iso(locked["lockedUntil"])
    after = user_doc(user)
    assert (after["failedLoginCount"], after["lockedUntil"]) == (locked["failedLoginCount"], locked["lockedUntil"])
    assert after["passwordHash"] == locked["passwordHash"]
    assert login(api, EMAIL, GOOD_PASSWORD).status_code == 423     # the lock still holds at sign-in
    clock.advance(timedelta(minutes=30, seconds=1))
    assert change(api, sign_in(api, EMAIL)["tokens"]["accessToken"], GOOD_PASSWORD).status_code == 200


# ---- item 6: first-login only for a session its sign-in made restricted ----------------------------------

def expire_password(user_id: str) -> None:
    from shared.db import collection

    collection("users").document(user_id).update({"passwordChangedAt": clock.now() - timedelta(days=91)})


def test_a_session_restricted_at_refresh_must_give_the_current_password(api, user):
    tokens = sign_in(api, EMAIL)["tokens"]                        # a normal session
    expire_password(user)                                         # the password expires while it lives
    refreshed = api.post("/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]}).get_json()
    assert refreshed["requiresPasswordChange"] is True
    token = refreshed["tokens"]["accessToken"]
    before = user_doc(user)["passwordHash"]
    response = api.post("/api/auth/password/first-login", token=token, json={"newPassword": NEW_PASSWORD})
    assert response.status_code == 409, response.get_data(as_text=True)
    assert response.get_json()["code"] == "CURRENT_PASSWORD_REQUIRED"
    assert user_doc(user)["passwordHash"] == before
    assert change(api, token, "Not#TheRight1").status_code == 422
    response = change(api, token, GOOD_PASSWORD)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["requiresPasswordChange"] is False
    assert sign_in(api, EMAIL, NEW_PASSWORD)["requiresPasswordChange"] is False


def test_a_session_restricted_at_sign_in_may_use_first_login_once(api, user):
    expire_password(user)
    body = sign_in(api, EMAIL)
    assert body["requiresPasswordChange"] is True
    response = api.post("/api/auth/password/first-login", token=body["tokens"]["accessToken"],
                        json={"newPassword": NEW_PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    # The same session, later restricted again by a refresh, no longer counts as restricted by its sign-in.
    tokens = response.get_json()["tokens"]
    expire_password(user)
    refreshed = api.post("/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]}).get_json()
    assert refreshed["requiresPasswordChange"] is True
    again = api.post("/api/auth/password/first-login", token=refreshed["tokens"]["accessToken"],
                     json={"newPassword": "Granite!Sparrow27"})
    assert again.status_code == 409 and again.get_json()["code"] == "CURRENT_PASSWORD_REQUIRED"


# ---- item 9: reuse of any earlier refresh token ends the session ----------------------------------------

def test_reuse_of_a_refresh_token_from_long_ago_ends_the_session(api, user):
    from functions.auth.sessions import refresh
    from shared.auth.principal import Actor

    body = sign_in(api, EMAIL)
    first = body["tokens"]["refreshToken"]
    current = first
    for _ in range(150):                                  # more rotations than any list of old hashes keeps
        current = refresh(current, Actor(user_id=None, ip="192.0.2.1"))["tokens"]["refreshToken"]
    session_id = first.split(".")[0]
    forged = f"{session_id}.3.{'A' * 43}.{'0' * 32}"      # an old generation without our signature
    response = api.post("/api/auth/refresh", json={"refreshToken": forged})
    assert response.status_code == 401 and response.get_json()["code"] == "INVALID_REFRESH_TOKEN"
    reuse = api.post("/api/auth/refresh", json={"refreshToken": first})
    assert reuse.status_code == 401 and reuse.get_json()["code"] == "REFRESH_TOKEN_REUSED"
    assert api.post("/api/auth/refresh", json={"refreshToken": current}).status_code == 401
    assert api.get("/api/auth/me", token=body["tokens"]["accessToken"]).status_code == 401

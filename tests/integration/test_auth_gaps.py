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

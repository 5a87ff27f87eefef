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


# ---- item 11: every change of a user gives it a new version ---------------------------------------------

ADMIN = "chief.admin@example.com"


@pytest.fixture
def admin(api, capture):
    make_user(ADMIN, role="ADMIN")
    return sign_in(api, ADMIN)["tokens"]["accessToken"]


def etag_of(api, admin, user_id) -> str:
    response = api.get(f"/api/users/{user_id}", token=admin)
    assert response.status_code == 200
    return response.headers["ETag"]


def rename(api, admin, user_id, etag, name="Kavya R"):
    return api.patch(f"/api/users/{user_id}", token=admin, headers={"If-Match": etag}, json={"name": name})


def test_sign_in_counters_unlock_and_a_temporary_password_make_an_old_etag_stale(api, admin, user):
    steps = {
        "failed sign-in": lambda: login(api, EMAIL, "Wrong#Password91"),
        "sign-in": lambda: sign_in(api, EMAIL),
        "unlock": lambda: api.post(f"/api/users/{user}/unlock", token=admin),
        "temporary password": lambda: api.post(f"/api/users/{user}/temporary-password", token=admin),
    }
    for step, act in steps.items():
        before = etag_of(api, admin, user)
        act()
        after = etag_of(api, admin, user)
        assert after != before, step
        response = rename(api, admin, user, before)
        assert response.status_code == 412, step
        assert response.get_json()["code"] == "STALE_VERSION"
        assert response.get_json()["details"]["currentETag"] == after
    assert user_doc(user)["name"] != "Kavya R"
    assert rename(api, admin, user, etag_of(api, admin, user)).status_code == 200


def test_unlock_answers_with_the_new_etag(api, admin, user):
    response = api.post(f"/api/users/{user}/unlock", token=admin)
    assert response.status_code == 200
    assert response.headers["ETag"] == etag_of(api, admin, user) == f'"v{user_doc(user)["version"]}"'


def test_accepting_an_invite_makes_an_old_etag_stale(api, admin, capture):
    from tests.support.auth import token_in

    invited = "nikhil.new@example.com"
    created = api.post("/api/users", token=admin, json={"email": invited, "name": "Nikhil New", "role": "SALES",
                                                        "organizationIds": ["org-alpha"]})
    assert created.status_code == 201
    user_id, etag = created.get_json()["id"], created.headers["ETag"]
    token = token_in(capture.emails(to=invited)[-1]["text"], "/accept-invite")
    accepted = api.post("/api/users/invites/accept", json={"token": token, "password": NEW_PASSWORD})
    assert accepted.status_code == 200
    assert accepted.get_json()["version"] == user_doc(user_id)["version"] == 2
    assert rename(api, admin, user_id, etag).status_code == 412


def test_if_match_compares_strongly(api, admin, user):
    etag = etag_of(api, admin, user)
    response = rename(api, admin, user, f"W/{etag}")
    assert response.status_code == 412 and response.get_json()["code"] == "STALE_VERSION"
    assert rename(api, admin, user, f'"v999", {etag}').status_code == 200


# ---- item 8: an unknown address locks like an account ---------------------------------------------------

def login_failure_docs() -> list[dict]:
    from shared.db import collection

    return [{"id": s.id, **s.to_dict()} for s in collection("loginFailures").stream()]


def test_five_wrong_passwords_lock_an_unknown_address_as_they_lock_an_account(api, user):
    ghost = "nobody.here@example.com"
    real = [login(api, EMAIL, f"Wrong#Password9{i}") for i in range(6)]
    unknown = [login(api, ghost, f"Wrong#Password9{i}") for i in range(6)]
    assert [r.status_code for r in real] == [r.status_code for r in unknown] == [401, 401, 401, 401, 423, 423]
    for one, other in zip(real, unknown, strict=True):
        assert set(one.get_json()) == set(other.get_json())
        assert (one.get_json()["code"], one.get_json()["message"]) == (other.get_json()["code"],
                                                                     other.get_json()["message"])
    assert unknown[-1].get_json()["details"]["lockedUntil"] == unknown[-2].get_json()["details"]["lockedUntil"]
    [stored] = login_failure_docs()                         # one small document, keyed by a hash
    assert ghost not in str(stored) and "nobody" not in str(stored)
    assert stored["expiresAt"] > clock.now() + timedelta(days=29)
    from shared.db import collection

    assert len(list(collection("users").stream())) == 1     # no user document for the unknown address
    clock.advance(timedelta(minutes=30, seconds=1))
    assert login(api, ghost, "Wrong#Password90").status_code == 401      # the lock ran out, counting restarts
    assert login(api, "not-an-email", "Wrong#Password90").status_code == 401
    assert len(login_failure_docs()) == 1


def test_concurrent_failures_on_an_unknown_address_lose_no_increment(api, user):
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(lambda i: login(api, "ghost@example.com", f"Wrong#Password9{i}"), range(5)))
    assert sorted(r.status_code for r in responses) == [401, 401, 401, 401, 423]
    assert login(api, "ghost@example.com", GOOD_PASSWORD).status_code == 423


def test_an_old_count_of_an_unknown_address_is_forgotten_after_30_days(api, user):
    for i in range(4):
        assert login(api, "ghost@example.com", f"Wrong#Password9{i}").status_code == 401
    clock.advance(timedelta(days=30, seconds=1))
    assert login(api, "ghost@example.com", "Wrong#Password95").status_code == 401
    assert login_failure_docs()[0]["failedLoginCount"] == 1


# ---- item 7: OTP sends are limited per caller too --------------------------------------------------------

def send_otp(api, destination, channel="sms", ip="192.0.2.70", token=None):
    return api.post("/api/auth/otp/send", token=token, headers={"X-Forwarded-For": ip},
                    json={"channel": channel, "destination": destination, "purpose": "partner_onboarding"})


def test_one_ip_cannot_pump_sms_to_many_numbers(api, capture):
    from tests.support.windows import start_of_window

    start_of_window(3600)
    numbers = [f"98765 4321{n}" for n in range(5)]
    assert send_otp(api, numbers[0]).status_code == 202
    refused = send_otp(api, numbers[1])                                 # another number, the same minute
    assert refused.status_code == 429 and refused.get_json()["details"]["policy"] == "otp_send_ip"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert send_otp(api, numbers[1], ip="192.0.2.71").status_code == 202            # another IP
    assert send_otp(api, "applicant@example.com", channel="email").status_code == 202  # e-mail: its own count
    for number in numbers[2:4]:
        clock.advance(timedelta(seconds=61))
        assert send_otp(api, number).status_code == 202
    clock.advance(timedelta(seconds=61))
    hourly = send_otp(api, numbers[4])                                   # the 4th SMS from this IP in the hour
    assert hourly.status_code == 429 and int(hourly.headers["Retry-After"]) > 60
    sent_to = [sms["to"] for sms in capture.sms()]
    assert sorted(sent_to) == sorted(["+919876543210", "+919876543211", "+919876543212", "+919876543213"])


def test_a_signed_in_caller_is_limited_per_user_whatever_its_ip(api, user, capture):
    token = sign_in(api, EMAIL)["tokens"]["accessToken"]
    assert send_otp(api, "98765 43220", ip="192.0.2.80", token=token).status_code == 202
    refused = send_otp(api, "98765 43221", ip="192.0.2.81", token=token)
    assert refused.status_code == 429 and refused.get_json()["details"]["policy"] == "otp_send_user"
    make_user("second.user@example.com", role="SALES")
    other = sign_in(api, "second.user@example.com")["tokens"]["accessToken"]
    assert send_otp(api, "98765 43221", ip="192.0.2.80", token=other).status_code == 202  # its own count
    bad = send_otp(api, "98765 43222", ip="192.0.2.82", token="not-a-token")
    assert bad.status_code == 401
    assert len(capture.sms()) == 2

"""Sign-in, lockout, and answers that tell an attacker nothing."""
from __future__ import annotations

import concurrent.futures
from datetime import timedelta

import pytest

from shared import clock
from tests.support.auth import (
    GOOD_PASSWORD,
    OTHER_PASSWORD,
    audit_entries,
    login,
    make_user,
    sign_in,
    user_doc,
)

EMAIL = "asha.admin@example.com"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"


def outbox_events(event_type: str) -> list[dict]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    return [s.to_dict() for s in collection("outbox").where(filter=FieldFilter("type", "==", event_type)).stream()]


@pytest.fixture
def admin(api, capture):
    return make_user(EMAIL)


def test_login_returns_user_tokens_and_a_signed_firebase_token(api, admin):
    import jwt

    body = sign_in(api, "Asha.Admin@Example.com")           # e-mail is case-insensitive
    user = body["user"]
    assert user["id"] == admin and user["email"] == EMAIL
    assert (user["kind"], user["role"], user["partnerId"]) == ("back_office", "ADMIN", None)
    assert "users:manage" in user["permissions"] and "auth:self" in user["permissions"]
    assert user["organizationIds"] == ["org-alpha"] and user["lastLoginAt"]
    assert body["tokens"]["tokenType"] == "Bearer" and body["tokens"]["expiresIn"] == 900
    assert body["requiresPasswordChange"] is False
    firebase = jwt.decode(body["firebaseToken"], options={"verify_signature": False})
    assert firebase["uid"] == admin
    assert firebase["claims"] == {"userId": admin, "role": "ADMIN", "partnerId": None,
                                  "organizationIds": ["org-alpha"]}
    assert jwt.get_unverified_header(body["firebaseToken"])["alg"] == "RS256"
    me = api.get("/api/auth/me", token=body["tokens"]["accessToken"])
    assert me.status_code == 200 and me.get_json()["id"] == admin
    assert user_doc(admin)["lastLoginAt"] is not None


def test_unknown_email_and_wrong_password_get_the_same_answer(api, admin):
    unknown = login(api, "nobody@example.com", GOOD_PASSWORD)
    wrong = login(api, EMAIL, "Wrong#Password99")
    malformed = login(api, "not-an-email", GOOD_PASSWORD)
    for response in (unknown, wrong, malformed):
        assert response.status_code == 401
        assert response.get_json() == {"code": "INVALID_CREDENTIALS",
                                       "message": "The e-mail or password is not correct", "details": {}}


def test_an_invited_user_without_a_password_cannot_sign_in(api, capture):
    make_user("invitee@example.com", password=None, status="INVITED")
    assert login(api, "invitee@example.com", "").status_code == 422          # empty password: schema
    assert login(api, "invitee@example.com", GOOD_PASSWORD).get_json()["code"] == "INVALID_CREDENTIALS"


def test_disabled_account_is_403_only_with_the_right_password(api, admin):
    from shared.db import collection

    collection("users").document(admin).update({"status": "DISABLED"})
    assert login(api, EMAIL, "Wrong#Password99").status_code == 401
    response = login(api, EMAIL, GOOD_PASSWORD)
    assert response.status_code == 403 and response.get_json()["code"] == "ACCOUNT_DISABLED"


def test_five_failures_lock_for_30_minutes_and_the_lock_lifts(api, admin, capture):
    statuses = [login(api, EMAIL, f"Wrong#Password9{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 423]
    response = login(api, EMAIL, GOOD_PASSWORD)                       # the right password, 6th attempt
    assert response.status_code == 423
    body = response.get_json()
    assert body["code"] == "ACCOUNT_LOCKED"
    locked_until = user_doc(admin)["lockedUntil"]
    assert body["details"]["lockedUntil"] == clock.iso(locked_until)
    assert timedelta(minutes=29) < locked_until - clock.now() <= timedelta(minutes=30)
    [email] = capture.emails(to=EMAIL)
    assert "locked" in email["subject"]
    [event] = outbox_events("AccountLocked")
    assert event["data"] == {"userId": admin, "lockedUntil": locked_until}
    clock.advance(timedelta(minutes=29))
    assert login(api, EMAIL, GOOD_PASSWORD).status_code == 423
    clock.advance(timedelta(minutes=1, seconds=1))
    sign_in(api, EMAIL)
    assert user_doc(admin)["failedLoginCount"] == 0 and user_doc(admin)["lockedUntil"] is None
    assert len(audit_entries(action="auth.lockout", entityId=admin)) == 1


def test_concurrent_failures_lose_no_increment(api, admin):
    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(lambda i: login(api, EMAIL, f"Wrong#Password9{i}"), range(5)))
    assert sorted(r.status_code for r in responses) == [401, 401, 401, 401, 423]
    assert user_doc(admin)["lockedUntil"] is not None
    assert login(api, EMAIL, GOOD_PASSWORD).status_code == 423
    assert len(audit_entries(action="auth.login_failed", entityId=admin)) == 6


def test_success_resets_the_failure_count(api, admin):
    for i in range(4):
        assert login(api, EMAIL, f"Wrong#Password9{i}").status_code == 401
    assert user_doc(admin)["failedLoginCount"] == 4
    sign_in(api, EMAIL)
    assert user_doc(admin)["failedLoginCount"] == 0
    for i in range(4):
        assert login(api, EMAIL, f"Wrong#Password9{i}").status_code == 401
    assert login(api, EMAIL, GOOD_PASSWORD).status_code == 200


def test_a_new_device_gets_a_sign_in_email_the_first_and_known_ones_do_not(api, admin, capture):
    sign_in(api, EMAIL, user_agent=CHROME)
    sign_in(api, EMAIL, user_agent=CHROME)
    assert capture.emails(to=EMAIL) == []
    sign_in(api, EMAIL, user_agent=FIREFOX)
    [email] = capture.emails(to=EMAIL)
    assert "New sign-in" in email["subject"] and "Firefox on Linux" in email["text"]
    [event] = outbox_events("NewDeviceSignIn")
    assert (event["data"]["userId"], event["data"]["device"]) == (admin, "Firefox on Linux")


def test_a_failed_email_does_not_fail_the_sign_in(api, admin, capture):
    from shared.db import collection

    sign_in(api, EMAIL, user_agent=CHROME)
    capture.fail("email", 500, -1)
    body = sign_in(api, EMAIL, user_agent=FIREFOX)
    assert body["tokens"]["accessToken"]
    [record] = [s.to_dict() for s in collection("deliveryFailures").stream()]
    assert record["category"] == "auth_new_sign_in" and record["userId"] == admin
    assert record["recipient"] == "a***@example.com" and record["resendable"] is False


def test_old_parameter_hashes_are_upgraded_at_sign_in(api, capture):
    from argon2 import PasswordHasher

    from shared.db import collection

    strong = PasswordHasher().hash(OTHER_PASSWORD)
    user_id = make_user("old.hash@example.com", password=None, passwordHash=strong, passwordHistory=[strong])
    sign_in(api, "old.hash@example.com", OTHER_PASSWORD)
    stored = collection("users").document(user_id).get().to_dict()
    assert stored["passwordHash"] != strong and stored["passwordHistory"][0] == stored["passwordHash"]
    sign_in(api, "old.hash@example.com", OTHER_PASSWORD)


def test_a_failed_auth_email_is_in_the_admins_failure_list_and_cannot_be_resent(api, admin, capture):
    from tests.support.identity import token_for

    sign_in(api, EMAIL, user_agent=CHROME)
    capture.fail("email", 500, -1)
    sign_in(api, EMAIL, user_agent=FIREFOX)          # the new-device mail fails
    admin_token, _ = token_for({"notifications:admin"})
    listing = api.get("/api/notifications/admin/failures?state=OPEN&channel=email", token=admin_token)
    assert listing.status_code == 200, listing.get_json()
    [item] = listing.get_json()["items"]
    assert (item["category"], item["userId"], item["recipient"]) == ("auth_new_sign_in", admin, "a***@example.com")
    assert item["template"] == "auth.auth_new_sign_in"
    resent = api.post(f"/api/notifications/admin/failures/{item['id']}/resend", token=admin_token)
    assert resent.status_code == 409 and resent.get_json()["code"] == "DELIVERY_NOT_RESENDABLE"

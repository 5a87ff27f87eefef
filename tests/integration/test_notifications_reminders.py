"""Reminder jobs: password expiry (14, 7, 1 days before, each once) and session-end warnings."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

from shared import clock
from shared.db import collection
from tests.support.notifications import Tap, push, seed_user


@pytest.fixture
def events(api):
    tap = Tap("domain-events")
    yield tap
    tap.close()


def run_job(api, name):
    response = api.post(f"/jobs/{name}", headers={"Authorization": f"Bearer {os.environ['JOBS_SHARED_SECRET']}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["summary"]


def outbox(event_type):
    return [snap.to_dict() for snap in collection("outbox").stream() if snap.to_dict()["type"] == event_type]


def test_password_expiry_reminders_at_14_7_and_1_days_each_once(api, events):
    now = clock.now()
    seed_user("due", passwordChangedAt=now - timedelta(days=76), organizationIds=["org-1"])
    seed_user("fresh", passwordChangedAt=now - timedelta(days=50), organizationIds=["org-1"])
    seed_user("nist", passwordChangedAt=now - timedelta(days=76), organizationIds=["org-nist"])
    seed_user("gone", passwordChangedAt=now - timedelta(days=76), status="DISABLED")
    collection("settings").document("org-nist").set({"passwordPolicy": {"nistMode": True}})

    assert run_job(api, "password-expiry-reminders")["emitted"] == 1
    [event] = outbox("PasswordExpiring")
    assert event["data"]["userId"] == "due" and event["data"]["milestone"] == 14 and event["data"]["daysLeft"] == 14
    assert run_job(api, "password-expiry-reminders")["emitted"] == 0

    clock.advance(timedelta(days=3))
    assert run_job(api, "password-expiry-reminders")["emitted"] == 0
    clock.advance(timedelta(days=4))
    assert run_job(api, "password-expiry-reminders")["emitted"] == 1
    clock.advance(timedelta(days=6))
    assert run_job(api, "password-expiry-reminders")["emitted"] == 1
    clock.advance(timedelta(days=1))          # expiry day: the 1-day reminder has gone already
    assert run_job(api, "password-expiry-reminders")["emitted"] == 0
    assert sorted(e["data"]["milestone"] for e in outbox("PasswordExpiring")) == [1, 7, 14]
    assert {e["data"]["userId"] for e in outbox("PasswordExpiring")} == {"due"}


def test_identitys_password_expires_at_and_the_global_policy_for_partner_users(api, events):
    now = clock.now()
    # Identity writes passwordExpiresAt with the password (here a 60-day policy: changed 53 days ago).
    seed_user("staff", passwordChangedAt=now - timedelta(days=53), passwordExpiresAt=now + timedelta(days=7),
              organizationIds=["org-1"])
    seed_user("temporary", passwordChangedAt=now - timedelta(days=53), passwordExpiresAt=None,
              mustChangePassword=True, organizationIds=["org-1"])
    seed_user("partner-user", partnerId="p1", passwordChangedAt=now - timedelta(days=83),
              passwordExpiresAt=now + timedelta(days=7))
    collection("settings").document("global").set({"passwordPolicy": {"nistMode": True}})
    assert run_job(api, "password-expiry-reminders")["emitted"] == 1
    [event] = outbox("PasswordExpiring")
    assert event["data"]["userId"] == "staff" and event["data"]["milestone"] == 7


def test_a_missed_run_sends_only_the_latest_milestone(api, events):
    seed_user("late", passwordChangedAt=clock.now() - timedelta(days=85))   # 5 days left: past 14 and 7
    assert run_job(api, "password-expiry-reminders")["emitted"] == 1
    [event] = outbox("PasswordExpiring")
    assert event["data"]["milestone"] == 7 and event["data"]["daysLeft"] == 5


def test_password_reminder_reaches_the_user_in_app_and_by_email(api, events):
    seed_user("due", passwordChangedAt=clock.now() - timedelta(days=83))
    run_job(api, "password-expiry-reminders")
    [message] = events.pull(1)
    assert message.attributes["type"] == "PasswordExpiring"
    assert push(api, "on_domain_event", message).status_code == 200
    [notification] = [s.to_dict() for s in collection("users").document("due").collection("notifications").stream()]
    assert notification["title"] == "Your password expires in 7 days"
    assert notification["category"] == "account" and notification["link"] == {"entity": "account", "id": "due"}
    assert sorted(s.to_dict()["channel"] for s in collection("deliveryRequests").stream()) == ["email"]


def session(session_id, user_id, created_ago, active_ago, revoked=False):
    now = clock.now()
    collection("sessions").document(session_id).set({
        "userId": user_id, "createdAt": now - created_ago, "lastActivityAt": now - active_ago,
        "revokedAt": now if revoked else None})


def test_session_warnings_five_minutes_before_idle_and_absolute_end(api, events):
    seed_user("u1")
    session("idle", "u1", timedelta(hours=1), timedelta(minutes=26))
    session("long", "u1", timedelta(hours=11, minutes=57), timedelta(minutes=1))
    session("active", "u1", timedelta(hours=1), timedelta(minutes=10))
    session("revoked", "u1", timedelta(hours=1), timedelta(minutes=26), revoked=True)

    assert run_job(api, "session-expiry-warnings")["emitted"] == 2
    warnings = {e["data"]["sessionId"]: e["data"] for e in outbox("SessionExpiring")}
    assert set(warnings) == {"idle", "long"}
    assert warnings["idle"]["reason"] == "idle" and warnings["long"]["reason"] == "absolute"
    assert run_job(api, "session-expiry-warnings")["emitted"] == 0

    # Activity extends the idle end; a new warning comes 5 minutes before the new end (the other
    # sessions have ended by then and get nothing more).
    collection("sessions").document("idle").update({"lastActivityAt": clock.now()})
    clock.advance(timedelta(minutes=26))
    assert run_job(api, "session-expiry-warnings")["emitted"] == 1
    assert sorted(e["data"]["sessionId"] for e in outbox("SessionExpiring")) == ["idle", "idle", "long"]


def test_session_warning_is_an_in_app_notification_only(api, events):
    seed_user("u1")
    session("s1", "u1", timedelta(hours=1), timedelta(minutes=27))
    run_job(api, "session-expiry-warnings")
    [message] = events.pull(1)
    assert push(api, "on_domain_event", message).status_code == 200
    [notification] = [s.to_dict() for s in collection("users").document("u1").collection("notifications").stream()]
    assert notification["title"].startswith("Your session ends at ") and notification["title"].endswith(" IST")
    assert "after 30 minutes without activity" in notification["body"]
    assert notification["link"] == {"entity": "session", "id": "s1"}
    assert list(collection("deliveryRequests").stream()) == []

from datetime import UTC, date, datetime, timedelta

from functions.notifications.reminder_rules import (
    ExpiryPolicy,
    password_expires_at,
    password_milestone,
    session_warnings,
)

NOW = datetime(2026, 4, 24, 6, 0, tzinfo=UTC)   # 11:30 IST


def test_password_expires_90_days_after_change_unless_nist_or_explicit():
    changed = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    default, nist = ExpiryPolicy(), ExpiryPolicy(nist_mode=True)
    assert password_expires_at({"passwordChangedAt": changed}, default) == changed + timedelta(days=90)
    assert password_expires_at({"passwordChangedAt": changed}, nist) is None
    explicit = datetime(2026, 2, 1, tzinfo=UTC)
    assert password_expires_at({"passwordChangedAt": changed, "passwordExpiresAt": explicit}, default) == explicit
    assert password_expires_at({"passwordChangedAt": changed, "passwordExpiresAt": explicit}, nist) is None
    assert password_expires_at({"passwordChangedAt": changed, "passwordExpiresAt": None}, default) is None
    assert password_expires_at({"passwordExpiresAt": explicit, "mustChangePassword": True}, default) is None
    assert password_expires_at({}, default) is None


def test_expiry_policy_reads_identitys_settings_keys():
    assert ExpiryPolicy.from_settings(None) == ExpiryPolicy(False, (14, 7, 1))
    assert ExpiryPolicy.from_settings({"nistMode": True}).nist_mode is True
    assert ExpiryPolicy.from_settings({"expiryReminderDays": [3, 10, 10, 400, 0]}).milestones == (10, 3)
    assert ExpiryPolicy.from_settings({"reminderDays": ["x"]}).milestones == (14, 7, 1)


def test_custom_milestones():
    assert password_milestone(datetime(2026, 5, 4, 8, 0, tzinfo=UTC), date(2026, 4, 24), (10, 3)) == (10, 10)


def test_password_milestones_14_7_1_days_before():
    today = date(2026, 4, 24)

    def expiring_in(days):
        return datetime(2026, 4, 24, 8, 0, tzinfo=UTC) + timedelta(days=days)

    assert password_milestone(expiring_in(15), today) is None
    assert password_milestone(expiring_in(14), today) == (14, 14)
    assert password_milestone(expiring_in(10), today) == (14, 10)
    assert password_milestone(expiring_in(7), today) == (7, 7)
    assert password_milestone(expiring_in(2), today) == (7, 2)
    assert password_milestone(expiring_in(1), today) == (1, 1)
    assert password_milestone(expiring_in(0), today) == (1, 0)
    assert password_milestone(expiring_in(-1), today) is None


def test_password_milestone_counts_india_calendar_days():
    # 20:00 UTC on 30 Apr is 01:30 IST on 1 May: 7 India days after 24 Apr.
    assert password_milestone(datetime(2026, 4, 30, 20, 0, tzinfo=UTC), date(2026, 4, 24)) == (7, 7)


def session(created_ago, active_ago, revoked=None):
    return {"createdAt": NOW - created_ago, "lastActivityAt": NOW - active_ago, "revokedAt": revoked}


def test_idle_warning_inside_the_last_five_minutes_only():
    assert session_warnings(session(timedelta(hours=1), timedelta(minutes=24)), NOW) == []
    assert session_warnings(session(timedelta(hours=1), timedelta(minutes=25)), NOW) == [
        ("idle", NOW + timedelta(minutes=5))]
    assert session_warnings(session(timedelta(hours=1), timedelta(minutes=29, seconds=59)), NOW)[0][0] == "idle"
    assert session_warnings(session(timedelta(hours=1), timedelta(minutes=30)), NOW) == []


def test_absolute_warning_and_no_idle_warning_after_the_absolute_end():
    warnings = session_warnings(session(timedelta(hours=11, minutes=56), timedelta(minutes=26)), NOW)
    assert warnings == [("absolute", NOW + timedelta(minutes=4))]
    both = session_warnings(session(timedelta(hours=11, minutes=50), timedelta(minutes=26)), NOW)
    assert both == [("idle", NOW + timedelta(minutes=4))]


def test_revoked_or_incomplete_sessions_get_no_warning():
    assert session_warnings(session(timedelta(hours=1), timedelta(minutes=26), revoked=NOW), NOW) == []
    assert session_warnings({"createdAt": None, "lastActivityAt": NOW}, NOW) == []


def test_a_shorter_session_policy_moves_the_warnings_to_its_own_ends():
    short = {**session(timedelta(minutes=20), timedelta(minutes=5)), "idleTimeoutSeconds": 600,
             "absoluteTimeoutSeconds": 3600}
    assert session_warnings(short, NOW) == [("idle", NOW + timedelta(minutes=5))]
    assert session_warnings({**short, "lastActivityAt": NOW - timedelta(minutes=4)}, NOW) == []
    ending = {**session(timedelta(minutes=57), timedelta(minutes=1)), "idleTimeoutSeconds": 600,
              "absoluteTimeoutSeconds": 3600}
    assert session_warnings(ending, NOW) == [("absolute", NOW + timedelta(minutes=3))]

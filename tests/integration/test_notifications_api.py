"""`/api/notifications`: own notifications (unread first, cursor paging), read marks, counts, preferences."""
from __future__ import annotations

from datetime import timedelta

from shared import clock
from shared.db import collection
from tests.support.identity import token_for


def seed_notifications(uid, specs):
    """specs: [(id, minutes ago, read)]"""
    base = clock.now()
    for notification_id, minutes_ago, read in specs:
        collection("users").document(uid).collection("notifications").document(notification_id).set({
            "title": f"title {notification_id}", "body": "body", "category": "kyc", "severity": "info",
            "link": {"entity": "partner", "id": "p1"}, "read": read, "readAt": None,
            "createdAt": base - timedelta(minutes=minutes_ago), "eventId": notification_id,
            "eventType": "KycDueSoon"})


def me(**kwargs):
    token, principal = token_for({"notifications:read"}, **kwargs)
    return token, principal.user_id


def test_list_is_unread_first_then_newest_with_cursor_paging(api):
    token, uid = me()
    seed_notifications(uid, [("a", 1, True), ("b", 2, False), ("c", 3, True), ("d", 4, False), ("e", 5, False)])
    seed_notifications("someone-else", [("x", 0, False)])
    first = api.get("/api/notifications?pageSize=2", token=token)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert [item["id"] for item in body["items"]] == ["b", "d"]
    assert body["items"][0]["link"] == {"entity": "partner", "id": "p1"}
    assert body["items"][0]["read"] is False and body["items"][0]["createdAt"].endswith("Z")
    second = api.get(f"/api/notifications?pageSize=2&pageToken={body['nextPageToken']}", token=token).get_json()
    assert [item["id"] for item in second["items"]] == ["e", "a"]
    third = api.get(f"/api/notifications?pageSize=2&pageToken={second['nextPageToken']}", token=token).get_json()
    assert [item["id"] for item in third["items"]] == ["c"] and third["nextPageToken"] is None
    unread = api.get("/api/notifications?unreadOnly=true", token=token).get_json()
    assert [item["id"] for item in unread["items"]] == ["b", "d", "e"]
    assert api.get("/api/notifications?pageToken=garbage", token=token).status_code == 400


def test_unread_count_mark_read_and_read_all(api):
    token, uid = me()
    seed_notifications(uid, [("a", 1, False), ("b", 2, False), ("c", 3, True)])
    assert api.get("/api/notifications/unread-count", token=token).get_json() == {"count": 2}

    read = api.post("/api/notifications/a/read", token=token)
    assert read.status_code == 200
    assert read.get_json()["read"] is True and read.get_json()["readAt"] is not None
    assert api.get("/api/notifications/unread-count", token=token).get_json() == {"count": 1}
    # Reading again is harmless.
    assert api.post("/api/notifications/a/read", token=token).status_code == 200

    assert api.post("/api/notifications/read-all", token=token).get_json() == {"updated": 1}
    assert api.get("/api/notifications/unread-count", token=token).get_json() == {"count": 0}
    assert all(snap.to_dict()["read"] for snap in
               collection("users").document(uid).collection("notifications").stream())


def test_another_users_notification_cannot_be_marked(api):
    token, _ = me()
    seed_notifications("victim", [("v1", 1, False)])
    response = api.post("/api/notifications/v1/read", token=token)
    assert response.status_code == 404 and response.get_json()["code"] == "NOTIFICATION_NOT_FOUND"
    assert collection("users").document("victim").collection("notifications").document("v1").get() \
        .to_dict()["read"] is False


def test_the_permission_is_required(api):
    token, _ = token_for({"partners:read"})
    assert api.get("/api/notifications", token=token).status_code == 403
    assert api.get("/api/notifications").status_code == 401


def test_preferences_defaults_update_and_etag(api):
    token, uid = me()
    response = api.get("/api/notifications/preferences", token=token)
    assert response.status_code == 200 and response.headers["ETag"] == '"v0"'
    body = response.get_json()
    assert body["language"] == "en"
    assert body["categories"]["security"] == {"label": "Security alerts", "mandatory": True, "inApp": True,
                                              "email": True, "sms": True}
    assert body["categories"]["trade"]["sms"] is False

    changed = api.put("/api/notifications/preferences", token=token, headers={"If-Match": '"v0"'},
                      json={"language": "hi", "categories": {"trade": {"sms": True, "email": False}}})
    assert changed.status_code == 200, changed.get_json()
    assert changed.headers["ETag"] == '"v1"'
    assert changed.get_json()["categories"]["trade"] == {"label": "Offers and negotiations", "mandatory": False,
                                                         "inApp": True, "email": False, "sms": True}
    assert changed.get_json()["language"] == "hi"
    stored = collection("notificationPreferences").document(uid).get().to_dict()
    assert stored["categories"]["trade"] == {"inApp": True, "email": False, "sms": True} and stored["version"] == 1

    stale = api.put("/api/notifications/preferences", token=token, headers={"If-Match": '"v0"'},
                    json={"categories": {"trade": {"sms": False}}})
    assert stale.status_code == 412
    assert api.get("/api/notifications/preferences", token=token).get_json()["categories"]["trade"]["sms"] is True


def test_security_alerts_cannot_be_turned_off(api):
    token, uid = me()
    response = api.put("/api/notifications/preferences", token=token,
                       json={"categories": {"trade": {"email": False}, "security": {"email": False}}})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "CATEGORY_MANDATORY" and body["details"]["category"] == "security"
    assert "security" in body["message"]
    assert body["details"]["fields"][0]["field"] == "categories.security.email"
    # Nothing was saved, not even the allowed part of the change.
    assert not collection("notificationPreferences").document(uid).get().exists


def test_preferences_input_is_validated(api):
    token, _ = me()
    unknown = api.put("/api/notifications/preferences", token=token, json={"categories": {"marketing": {"sms": False}}})
    assert unknown.status_code == 422 and unknown.get_json()["code"] == "UNKNOWN_CATEGORY"
    assert api.put("/api/notifications/preferences", token=token,
                   json={"categories": {"trade": {"sms": "no"}}}).status_code == 422
    assert api.put("/api/notifications/preferences", token=token, json={"language": "fr"}).status_code == 422
    assert api.put("/api/notifications/preferences", token=token,
                   json={"categories": {"trade": {"fax": True}}}).status_code == 422

"""The fan-out consumer against the emulators: domain event → in-app documents, email and SMS requests.

Messages travel for real: the outbox publishes to the Pub/Sub emulator, a pull subscription receives
them, and they are delivered to the event functions through the gateway (functions-framework builds the
CloudEvent from the push envelope, as with the local stack's push subscriptions).
"""
from __future__ import annotations

import json

from shared.db import collection
from tests.support.identity import token_for
from tests.support.notifications import emit, push, seed_partner, seed_user


def notifications_of(uid):
    return {snap.id: snap.to_dict() for snap in collection("users").document(uid).collection("notifications").stream()}


def deliveries():
    return {snap.id: snap.to_dict() for snap in collection("deliveryRequests").stream()}


def fan_out(api, taps, event_type, data, times=1):
    event_id = emit(event_type, data, subject=None)
    [message] = taps["domain-events"].pull(1)
    assert message.attributes["eventId"] == event_id
    for _ in range(times):
        response = push(api, "on_domain_event", message)
        assert response.status_code == 200, response.get_data(as_text=True)
    return event_id


def test_the_same_event_delivered_three_times_gives_one_in_app_one_email_one_sms(api, taps, capture):
    seed_partner("p1")
    seed_user("u1", partnerId="p1", name="Asha Rao", email="asha@example.com", mobile="+919812345678")
    event_id = fan_out(api, taps, "KycDueSoon", {"partnerId": "p1", "dueDate": "2026-05-01", "daysUntilDue": 7},
                       times=3)

    [(notification_id, notification)] = notifications_of("u1").items()
    assert notification_id == event_id
    assert notification["title"] == "KYC renewal due in 7 days"
    assert "Shree Ginning (BP-0000p1) is due on 01 May 2026" in notification["body"]
    assert notification["category"] == "kyc" and notification["severity"] == "warning"
    assert notification["link"] == {"entity": "partner", "id": "p1"}
    assert notification["read"] is False and notification["createdAt"] is not None
    assert sorted(d["channel"] for d in deliveries().values()) == ["email", "sms"]

    [email_message] = taps["email-requests"].pull(1, settle=0.5)
    [sms_message] = taps["sms-requests"].pull(1, settle=0.5)
    for message in (email_message, sms_message):
        # Pub/Sub carries ids and the event type, nothing personal.
        raw = message.data.decode()
        body = json.loads(raw)
        assert set(body["data"]) == {"deliveryId", "userId", "eventType"}
        assert body["data"]["userId"] == "u1" and body["data"]["eventType"] == "KycDueSoon"
        for personal in ("asha", "Asha", "9812345678", "Shree"):
            assert personal not in raw
    for _ in range(3):
        assert push(api, "on_email_requested", email_message).status_code == 200
        assert push(api, "on_sms_requested", sms_message).status_code == 200

    [email] = capture.emails()
    assert email["to"] == "asha@example.com"
    assert email["subject"] == "KYC renewal due on 01 May 2026"
    assert email["text"].startswith("Hello Asha Rao,")
    assert email["category"] == "notification-kyc"
    [sms] = capture.sms()
    assert sms["to"] == "+919812345678"
    assert sms["text"] == ("RNRL TradeHub: KYC for BP-0000p1 is due on 01 May 2026. "
                           "Please renew it to keep trading. -RNRL")
    assert sms["templateId"] == "1107170000000000111"
    assert {d["status"] for d in deliveries().values()} == {"SENT"}
    assert capture.calls("email") == 1 and capture.calls("sms") == 1


def test_turning_email_off_stops_the_email_but_not_the_in_app_notification(api, taps, capture):
    seed_partner("p1")
    seed_user("u1", partnerId="p1")
    token, _ = token_for({"notifications:read"}, user_id="u1", kind="partner", partner_id="p1")
    response = api.put("/api/notifications/preferences", token=token,
                       json={"categories": {"kyc": {"email": False}}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["categories"]["kyc"] == {"label": "Partner approval and KYC", "mandatory": False,
                                                         "inApp": True, "email": False, "sms": True}

    fan_out(api, taps, "KycDueSoon", {"partnerId": "p1", "dueDate": "2026-05-01"})
    assert len(notifications_of("u1")) == 1
    assert [d["channel"] for d in deliveries().values()] == ["sms"]
    assert taps["email-requests"].pull(1, timeout=1.0) == []


def test_security_alerts_ignore_stored_choices_that_turn_them_off(api, taps, capture):
    seed_user("u1", organizationIds=["org-1"])
    collection("notificationPreferences").document("u1").set(
        {"categories": {"security": {"email": False, "sms": False, "inApp": False}}})
    fan_out(api, taps, "AccountLocked", {"userId": "u1", "lockedUntil": "2026-05-01T10:30:00Z"})
    [notification] = notifications_of("u1").values()
    assert notification["category"] == "security" and notification["severity"] == "critical"
    assert "unlocks at 01 May 2026, 4:00 PM IST" in notification["body"]
    # The lock e-mail is sent by functions/auth at once; the fan-out adds in-app and SMS.
    assert sorted(d["channel"] for d in deliveries().values()) == ["sms"]


def seed_staff():
    seed_user("verifier", organizationIds=["org-1"], role="SALES", grants=["kyc:verify"])
    seed_user("admin-role", organizationIds=["org-1", "org-2"], role="ADMIN")
    seed_user("accounts", organizationIds=["org-1"], role="ACCOUNTS")
    seed_user("custom", organizationIds=["org-1"], role="KYC_DESK")
    collection("roles").document("KYC_DESK").set({"permissions": ["kyc:verify"], "deletedAt": None})
    seed_user("revoked", organizationIds=["org-1"], role="ACCOUNTS", revocations=["kyc:verify"])
    seed_user("sales", organizationIds=["org-1"], role="SALES")
    seed_user("verifier-elsewhere", organizationIds=["org-2"], role="ACCOUNTS")
    seed_user("disabled-staff", organizationIds=["org-1"], role="ADMIN", status="DISABLED")


STAFF = ("verifier", "admin-role", "accounts", "custom", "revoked", "sales", "verifier-elsewhere", "disabled-staff")


def test_recipients_by_partner_and_by_permission_in_an_organization(api, taps):
    seed_partner("p1")
    seed_user("primary", partnerId="p1")
    seed_user("sub", partnerId="p1", role="PARTNER_SUB_USER", mobile=None)
    seed_user("invited", partnerId="p1", status="INVITED")
    seed_user("disabled", partnerId="p1", status="DISABLED")
    seed_user("deleted", partnerId="p1", status="DELETED", email=None)
    seed_user("other-partner", partnerId="p2")
    seed_staff()

    fan_out(api, taps, "KycOverdue", {"partnerId": "p1", "dueDate": "2026-04-01", "orgId": "org-1"})
    everyone = ("primary", "sub", "invited", "disabled", "deleted", "other-partner", *STAFF)
    told = {uid for uid in everyone if notifications_of(uid)}
    assert told == {"primary", "sub", "invited", "verifier", "admin-role", "accounts", "custom"}
    by_user = {}
    for delivery in deliveries().values():
        by_user.setdefault(delivery["userId"], set()).add(delivery["channel"])
    # The back office hears by email and in-app, never by SMS; a user without a mobile gets no SMS.
    assert by_user == {"primary": {"email", "sms"}, "sub": {"email"}, "invited": {"email", "sms"},
                       "verifier": {"email"}, "admin-role": {"email"}, "accounts": {"email"}, "custom": {"email"}}


def test_without_an_organization_the_back_office_of_every_organization_is_told(api, taps):
    seed_partner("p1")
    seed_user("primary", partnerId="p1")
    seed_staff()
    # The partners group's KYC job sends the partner's id, code and due date, no organization.
    fan_out(api, taps, "KycOverdue", {"partnerId": "p1", "code": "BP-000001", "dueDate": "2026-04-01",
                                      "daysOverdue": 3})
    told = {uid for uid in ("primary", *STAFF) if notifications_of(uid)}
    assert told == {"primary", "verifier", "admin-role", "accounts", "custom", "verifier-elsewhere"}
    [notification] = notifications_of("verifier-elsewhere").values()
    assert notification["title"] == "KYC overdue"
    assert "is 3 day(s) overdue" in notification["body"]


def test_sms_language_follows_the_users_choice(api, taps, capture):
    seed_partner("p1")
    seed_user("u1", partnerId="p1")
    token, _ = token_for({"notifications:read"}, user_id="u1", kind="partner", partner_id="p1")
    assert api.put("/api/notifications/preferences", token=token, json={"language": "hi"}).status_code == 200
    fan_out(api, taps, "PartnerApproved", {"partnerId": "p1"})
    [message] = taps["sms-requests"].pull(1)
    assert push(api, "on_sms_requested", message).status_code == 200
    [sms] = capture.sms()
    assert sms["text"] == ("RNRL TradeHub: आपका पार्टनर खाता BP-0000p1 स्वीकृत हो गया है। "
                           "अब आप व्यापार कर सकते हैं। -RNRL")
    assert sms["templateId"] == "1107170000000000102"


def test_an_event_type_without_a_catalog_entry_is_consumed_and_ignored(api, taps):
    seed_user("u1")
    event_id = fan_out(api, taps, "TradePosted", {"userId": "u1", "tradeId": "t1"})
    assert notifications_of("u1") == {}
    assert deliveries() == {}
    assert collection("processedEvents").document(f"notifications-fanout:{event_id}").get().exists


def test_contract_created_tells_both_parties_and_the_desk_in_app(api, taps):
    seed_user("buyer", partnerId="pb")
    seed_user("seller", partnerId="ps")
    seed_user("desk", organizationIds=["org-1"], role="SALES")
    seed_user("accounts", organizationIds=["org-1"], role="ACCOUNTS")   # no contracts:manage
    fan_out(api, taps, "ContractCreated", {"contractId": "c1", "contractNumber": "SC/25-26/00042",
                                           "buyerPartnerId": "pb", "sellerPartnerId": "ps", "orgId": "org-1"})
    assert notifications_of("accounts") == {}
    for uid in ("buyer", "seller", "desk"):
        [notification] = notifications_of(uid).values()
        assert notification["title"] == "Sales contract SC/25-26/00042 created"
        assert notification["link"] == {"entity": "contract", "id": "c1"}
    assert sorted((d["userId"], d["channel"]) for d in deliveries().values()) == [
        ("buyer", "email"), ("seller", "email")]

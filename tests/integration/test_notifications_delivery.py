"""Email and SMS delivery consumers: retries through the adapters, dead letters, admin list and re-send."""
from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions.notifications import delivery
from shared.db import collection
from shared.logging import JsonFormatter
from tests.support.identity import token_for
from tests.support.notifications import cloud_event, emit, push, seed_partner, seed_user


@pytest.fixture
def log_lines():
    """Every structured log line written while the test runs, formatted as in production."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(JsonFormatter().format(record))

    handler = Keep()
    root = logging.getLogger("tradehub")
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


def kyc_due(api, taps, channel="email-requests"):
    """Fan out one KycDueSoon to user u1 and return the delivery request message of `channel`."""
    emit("KycDueSoon", {"partnerId": "p1", "dueDate": "2026-05-01"})
    [event] = taps["domain-events"].pull(1)
    assert push(api, "on_domain_event", event).status_code == 200
    [message] = taps[channel].pull(1)
    return message


def seed():
    seed_partner("p1")
    seed_user("u1", partnerId="p1", name="Asha Rao", email="asha.rao@example.com", mobile="+919812345678")


def request_of(channel):
    [request] = [snap.to_dict() for snap in collection("deliveryRequests").stream()
                 if snap.to_dict()["channel"] == channel]
    return request


def failure_docs():
    return {snap.id: snap.to_dict() for snap in collection("deliveryFailures").stream()}


def test_provider_answering_500_twice_then_200_sends_the_email_once(api, taps, capture):
    seed()
    message = kyc_due(api, taps)
    capture.fail("email", 500, 2)
    assert push(api, "on_email_requested", message).status_code == 200
    assert capture.calls("email") == 3
    [email] = capture.emails()
    assert email["to"] == "asha.rao@example.com"
    request = request_of("email")
    assert request["status"] == "SENT" and request["messageId"] == email["messageId"]
    assert failure_docs() == {}
    # A late redelivery of the same message sends nothing more.
    assert push(api, "on_email_requested", message).status_code == 200
    assert len(capture.emails()) == 1


def test_provider_always_failing_dead_letters_and_an_admin_resends_it(api, taps, capture, log_lines):
    seed()
    message = kyc_due(api, taps)
    capture.fail("email", 500, -1)
    response = push(api, "on_email_requested", message)
    assert response.status_code == 200, "a dead-lettered delivery is acknowledged, never retried for ever"
    assert capture.emails() == []
    assert capture.calls("email") == 4

    [(failure_id, failure)] = failure_docs().items()
    assert failure["channel"] == "email" and failure["userId"] == "u1"
    assert failure["recipient"] == "a***@example.com"
    assert failure["reason"] == "provider_error" and failure["status"] == 500
    assert failure["attempts"] == 4 and failure["state"] == "OPEN"
    assert failure["template"] == "KycDueSoon.email" and failure["lastAttemptAt"] is not None

    user_token, _ = token_for({"notifications:read"}, user_id="u1")
    assert api.get("/api/notifications/admin/failures", token=user_token).status_code == 403
    admin_token, admin = token_for({"notifications:admin"})
    listing = api.get("/api/notifications/admin/failures?state=OPEN", token=admin_token)
    assert listing.status_code == 200
    [item] = listing.get_json()["items"]
    assert item["id"] == failure_id and item["reason"] == "provider_error" and item["status"] == 500
    assert item["recipient"] == "a***@example.com" and item["attempts"] == 4

    capture.reset()   # the provider is healthy again
    resent = api.post(f"/api/notifications/admin/failures/{failure_id}/resend", token=admin_token)
    assert resent.status_code == 202, resent.get_json()
    assert resent.get_json()["state"] == "RESEND_QUEUED" and resent.get_json()["resendCount"] == 1
    again = api.post(f"/api/notifications/admin/failures/{failure_id}/resend", token=admin_token)
    assert again.status_code == 409 and again.get_json()["code"] == "DELIVERY_NOT_FAILED"

    [requeued] = taps["email-requests"].pull(1)
    assert json.loads(requeued.data)["data"]["deliveryId"] == failure_id
    assert push(api, "on_email_requested", requeued).status_code == 200
    [email] = capture.emails()
    assert email["to"] == "asha.rao@example.com" and email["subject"] == "KYC renewal due on 01 May 2026"
    failure = failure_docs()[failure_id]
    assert failure["state"] == "RESOLVED" and failure["resolvedAt"] is not None
    assert api.get("/api/notifications/admin/failures?state=OPEN", token=admin_token).get_json()["items"] == []
    audit = [snap.to_dict() for snap in collection("auditLog").stream()]
    assert [(entry["action"], entry["userId"]) for entry in audit] == [
        ("notifications.delivery.resend", admin.user_id)]

    # Nothing personal in any log line: masked recipients only, no names, numbers or message text.
    joined = "\n".join(log_lines)
    assert "dead-lettered" in joined
    for personal in ("asha.rao@example.com", "Asha", "9812345678", "Shree Ginning", "KYC renewal"):
        assert personal not in joined


def test_sms_failure_dead_letters_with_the_dlt_template_and_a_masked_number(api, taps, capture):
    seed()
    message = kyc_due(api, taps, "sms-requests")
    capture.fail("sms", 503, -1)
    assert push(api, "on_sms_requested", message).status_code == 200
    [failure] = failure_docs().values()
    assert failure["channel"] == "sms" and failure["recipient"] == "+91******5678"
    assert failure["templateId"] == "1107170000000000111" and failure["status"] == 503


def test_a_refused_recipient_is_dead_lettered_at_once(api, taps, capture):
    seed()
    message = kyc_due(api, taps)
    capture.fail("email", 400, 1)
    assert push(api, "on_email_requested", message).status_code == 200
    [failure] = failure_docs().values()
    assert failure["reason"] == "rejected" and failure["status"] == 400 and failure["attempts"] == 1
    assert capture.calls("email") == 1


def test_concurrent_deliveries_of_one_request_send_one_email(api, taps, capture):
    seed()
    message = kyc_due(api, taps)
    event = cloud_event(message, "email-requests")
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda _: delivery.handle_email(event), range(4)))
    assert sorted(outcomes) == ["duplicate", "duplicate", "duplicate", "sent"]
    assert len(capture.emails()) == 1


def test_a_user_disabled_before_delivery_is_skipped(api, taps, capture):
    seed()
    message = kyc_due(api, taps)
    collection("users").document("u1").update({"status": "DISABLED"})
    assert push(api, "on_email_requested", message).status_code == 200
    assert capture.emails() == []
    request = request_of("email")
    assert request["status"] == "SKIPPED" and request["skipReason"] == "user_inactive"


def test_resend_of_an_unknown_failure_is_404(api):
    admin_token, _ = token_for({"notifications:admin"})
    response = api.post("/api/notifications/admin/failures/nope/resend", token=admin_token)
    assert response.status_code == 404 and response.get_json()["code"] == "DELIVERY_FAILURE_NOT_FOUND"

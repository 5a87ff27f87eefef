"""Email and SMS delivery consumers (topics `email-requests` and `sms-requests`).

Each message names one delivery request (`deliveryRequests/{id}`); the request's status is the dedupe:
a transaction claims it (PENDING → SENDING), the send happens outside any transaction, and the result
is recorded (SENT, or FAILED with a dead-letter record `deliveryFailures/{id}`). A redelivered message
finds SENT/FAILED, or a fresh SENDING claim, and does nothing. The adapters retry 429/5xx with backoff
themselves; when they give up the consumer dead-letters and returns normally, because raising would make
Pub/Sub redeliver without end. An admin re-send puts the request back to PENDING and publishes it again.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from functions.auth.public import users_by_id
from functions.notifications import rendering, store
from functions.notifications.catalog import CATALOG, EMAIL, SMS
from shared import clock
from shared.adapters import DeliveryFailed
from shared.adapters.email import send_email
from shared.adapters.masking import mask_email, mask_phone
from shared.adapters.sms import send_sms
from shared.config import settings
from shared.events.consumer import DomainEvent, decode
from shared.logging import get_logger, log
from shared.uow import run_in_transaction

PENDING, SENDING, SENT, FAILED, SKIPPED = "PENDING", "SENDING", "SENT", "FAILED", "SKIPPED"
OPEN, RESEND_QUEUED, RESOLVED = "OPEN", "RESEND_QUEUED", "RESOLVED"
# A claim older than this is taken to be from a consumer that died mid-send: the request is sent again.
CLAIM_LEASE = timedelta(minutes=10)
logger = get_logger("delivery")


def handle_email(cloud_event: Any) -> str:
    return deliver(decode(cloud_event), EMAIL)


def handle_sms(cloud_event: Any) -> str:
    return deliver(decode(cloud_event), SMS)


def deliver(event: DomainEvent, channel: str) -> str:
    """Send the delivery request named by `event`; returns the outcome (sent, failed, skipped, duplicate)."""
    delivery_id = str(event.data.get("deliveryId") or event.subject or "")
    claimed = run_in_transaction(lambda uow: _claim(uow, delivery_id, channel), publish=False)
    if claimed is None:
        log(logger, logging.INFO, "delivery not claimed (duplicate or unknown)", deliveryId=delivery_id,
            channel=channel, eventId=event.event_id)
        return "duplicate"
    outcome = _send(delivery_id, claimed)
    log(logger, logging.INFO, "delivery finished", deliveryId=delivery_id, channel=channel,
        userId=claimed.get("userId"), eventType=claimed.get("eventType"), outcome=outcome)
    return outcome


def _claim(uow: Any, delivery_id: str, channel: str) -> dict[str, Any] | None:
    if not delivery_id:
        return None
    snapshot = uow.get(store.delivery_ref(delivery_id))
    if not snapshot.exists:
        return None
    request = snapshot.to_dict() or {}
    if request.get("channel") != channel:
        return None
    status = request.get("status")
    moment = clock.now()
    if status == SENDING and request.get("claimedAt") and request["claimedAt"] + CLAIM_LEASE > moment:
        return None
    if status not in (PENDING, SENDING):
        return None
    uow.update(snapshot.reference, {"status": SENDING, "claimedAt": moment,
                                    "deliveries": int(request.get("deliveries") or 0) + 1})
    return request


def _send(delivery_id: str, request: dict[str, Any]) -> str:
    channel = request["channel"]
    contact = users_by_id(None, [request["userId"]]).get(request["userId"])
    if contact is None or not contact.active:
        _finish(delivery_id, SKIPPED, attempts=0, reason="user_not_found" if contact is None else "user_inactive")
        return "skipped"
    user = {"name": contact.name}
    address = contact.email if channel == EMAIL else contact.mobile
    spec = CATALOG.get(request.get("eventType") or "")
    if not address or spec is None:
        _dead_letter(delivery_id, request, address, "no_address" if spec else "unknown_template", None, 0)
        return "failed"
    try:
        message_id = _transmit(spec, request, user, address)
    except DeliveryFailed as failure:
        _dead_letter(delivery_id, request, address, failure.reason, failure.status, failure.attempts)
        return "failed"
    except Exception as error:  # noqa: BLE001 - never lose a message to an adapter bug; dead-letter it
        logger.exception("delivery raised", extra={"fields": {"deliveryId": delivery_id, "channel": channel}})
        _dead_letter(delivery_id, request, address, f"unexpected_error:{type(error).__name__}", None, 1)
        return "failed"
    _finish(delivery_id, SENT, attempts=1, message_id=message_id)
    return "sent"


def render_message(spec: Any, request: dict[str, Any], user: dict[str, Any]) -> dict[str, str]:
    """The texts of one delivery: {subject, text, html} for email, {text, templateId} for SMS."""
    extra = {**(request.get("extra") or {}), "appUrl": settings().web_app_url}
    if user.get("name"):
        extra["userName"] = user["name"]
    values = rendering.context(request.get("data") or {}, today=clock.today_india(), extra=extra)
    if request["channel"] == EMAIL:
        text = rendering.render(spec.email_text or "", values)
        return {"subject": rendering.render(spec.email_subject or "", values), "text": text,
                "html": rendering.text_to_html(text)}
    template = spec.sms_template(request.get("language") or "en")
    return {"text": rendering.render(template.text, values), "templateId": template.dlt_template_id}


def _transmit(spec: Any, request: dict[str, Any], user: dict[str, Any], address: str) -> str:
    message = render_message(spec, request, user)
    if request["channel"] == EMAIL:
        return send_email(address, message["subject"], message["text"], message["html"],
                          category=f"notification-{spec.category}")

    return send_sms(address, message["text"], template_id=message["templateId"])


def _finish(delivery_id: str, status: str, *, attempts: int, message_id: str | None = None,
            reason: str | None = None) -> None:
    def step(uow: Any) -> None:
        request = uow.get(store.delivery_ref(delivery_id))
        failure = uow.get(store.failure_ref(delivery_id))
        moment = clock.now()
        uow.update(request.reference, {
            "status": status, "sentAt": moment if status == SENT else None, "messageId": message_id,
            "skipReason": reason, "attempts": int((request.to_dict() or {}).get("attempts") or 0) + attempts,
        })
        if failure.exists and (failure.to_dict() or {}).get("state") != RESOLVED:
            uow.update(failure.reference, {"state": RESOLVED, "resolvedAt": moment, "updatedAt": moment,
                                           "resolution": "sent" if status == SENT else f"skipped: {reason}"})

    run_in_transaction(step, publish=False)


def masked(channel: str, address: str | None) -> str | None:
    if not address:
        return None
    return mask_email(address) if channel == EMAIL else mask_phone(address)


def _dead_letter(delivery_id: str, request: dict[str, Any], address: str | None, reason: str,
                 status: int | None, attempts: int) -> None:
    channel = request["channel"]
    spec = CATALOG.get(request.get("eventType") or "")
    template_id = None
    if channel == SMS and spec is not None and spec.sms:
        template_id = spec.sms_template(request.get("language") or "en").dlt_template_id

    def step(uow: Any) -> None:
        current = uow.get(store.delivery_ref(delivery_id))
        previous = uow.get(store.failure_ref(delivery_id))
        before = previous.to_dict() if previous.exists else {}
        moment = clock.now()
        total = int((current.to_dict() or {}).get("attempts") or 0) + attempts
        uow.update(current.reference, {"status": FAILED, "attempts": total, "lastError": reason,
                                       "lastStatus": status})
        uow.set(previous.reference, {
            "deliveryId": delivery_id, "channel": channel, "userId": request.get("userId"),
            "recipient": masked(channel, address), "eventId": request.get("eventId"),
            "eventType": request.get("eventType"), "category": request.get("category"),
            "template": f"{request.get('eventType')}.{channel}", "templateId": template_id,
            "language": request.get("language"), "reason": reason, "status": status, "attempts": total,
            "lastAttemptAt": moment, "firstFailedAt": before.get("firstFailedAt") or moment,
            "state": OPEN, "resendCount": int(before.get("resendCount") or 0),
            "resolvedAt": None, "updatedAt": moment,
        })

    run_in_transaction(step, publish=False)
    log(logger, logging.WARNING, "delivery dead-lettered", deliveryId=delivery_id, channel=channel,
        userId=request.get("userId"), eventType=request.get("eventType"), reason=reason, status=status,
        attempts=attempts)

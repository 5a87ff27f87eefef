"""The one delivery-failure store, `deliveryFailures/{id}`: every e-mail or SMS that did not reach its
recipient, read by the administrators' list (GET /api/notifications/admin/failures, notifications).

Notifications' dead letters carry their delivery request and can be re-sent. Messages that held a
one-time link or code (auth's invite, reset, OTP, lock and sign-in mails) are recorded with
`resendable: False`: re-sending would need the secret, which is never stored; the user asks again.
"""
from __future__ import annotations

import logging
import uuid

from shared import clock
from shared.db import collection
from shared.logging import get_logger, log

FAILURES = "deliveryFailures"
OPEN = "OPEN"
logger = get_logger("delivery_failures")


def record_unresendable(channel: str, category: str, masked_to: str, user_id: str | None, reason: str,
                        *, source: str) -> str | None:
    """Record a failed one-time message (best effort, its own write); its id, or None if not recorded."""
    failure_id = f"{source}-{uuid.uuid4().hex}"
    moment = clock.now()
    try:
        collection(FAILURES).document(failure_id).set({
            "deliveryId": None, "channel": channel, "userId": user_id, "recipient": masked_to,
            "eventId": None, "eventType": None, "category": category, "template": f"{source}.{category}",
            "templateId": None, "language": None, "reason": str(reason)[:200], "status": None, "attempts": 1,
            "lastAttemptAt": moment, "firstFailedAt": moment, "state": OPEN, "resendCount": 0,
            "resolvedAt": None, "updatedAt": moment, "source": source, "resendable": False,
        })
    except Exception as error:  # noqa: BLE001 - best effort: the caller's log line already tells
        log(logger, logging.ERROR, "delivery failure not recorded", category=category, error=repr(error)[:200])
        return None
    return failure_id

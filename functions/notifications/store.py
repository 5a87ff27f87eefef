"""Where notification data lives in Firestore (collection names and document references)."""
from __future__ import annotations

from typing import Any

from shared import delivery_failures
from shared.db import collection
from shared.routing import spec

USERS = "users"
NOTIFICATIONS = "notifications"                 # users/{uid}/notifications/{eventId}: in-app, read by the client
PREFERENCES = "notificationPreferences"         # notificationPreferences/{uid}
DELIVERIES = "deliveryRequests"                 # deliveryRequests/{eventId}-{channel}-{uid}: one email or SMS
FAILURES = delivery_failures.FAILURES            # deliveryFailures/{deliveryId}: the dead letters, and auth's
MARKERS = "notificationMarkers"                 # reminders already emitted (jobs run at least once)

EMAIL_REQUESTED, SMS_REQUESTED = "EmailRequested", "SmsRequested"


def topic_for(channel: str) -> str:
    return spec("on_email_requested" if channel == "email" else "on_sms_requested").topic or ""


def notifications(user_id: str) -> Any:
    return collection(USERS).document(user_id).collection(NOTIFICATIONS)


def preferences_ref(user_id: str) -> Any:
    return collection(PREFERENCES).document(user_id)


def delivery_ref(delivery_id: str) -> Any:
    return collection(DELIVERIES).document(delivery_id)


def failure_ref(delivery_id: str) -> Any:
    return collection(FAILURES).document(delivery_id)


def marker_ref(key: str) -> Any:
    return collection(MARKERS).document(key)


def delivery_id(event_id: str, channel: str, user_id: str) -> str:
    return f"{event_id}-{channel}-{user_id}"

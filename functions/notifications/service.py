"""The rules behind `/api/notifications`: a user's own notifications and preferences, and the
administrators' view of failed deliveries with re-send."""
from __future__ import annotations

from typing import Any

from functions.notifications import store
from functions.notifications.catalog import CATEGORIES, CHANNELS, EMAIL
from functions.notifications.delivery import FAILED, OPEN, PENDING, RESEND_QUEUED
from functions.notifications.models import (
    CategoryPreference,
    FailureOut,
    Link,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
)
from functions.notifications.preferences import MandatoryChannelOff, UnknownCategory, apply_update, effective
from shared import clock
from shared.db import client, collection
from shared.errors import Conflict, NotFound, Unprocessable
from shared.events.outbox import write_event
from shared.http.etag import check_if_match
from shared.http.pagination import page
from shared.uow import run_in_transaction

READ_ALL_BATCH = 400          # one batched write (Firestore allows 500)
UNREAD_FIRST = [("read", "ASCENDING"), ("createdAt", "DESCENDING")]
NEWEST_FIRST = [("createdAt", "DESCENDING")]
ADMIN_ORDER = [("lastAttemptAt", "DESCENDING")]


def _filter(field_name: str, op: str, value: Any) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field_name, op, value)


# ---- a user's notifications -----------------------------------------------------------------------

def notification_out(snapshot: Any) -> NotificationOut:
    data = snapshot.to_dict() or {}
    link = data.get("link")
    return NotificationOut(
        id=snapshot.id, title=data.get("title", ""), body=data.get("body", ""),
        category=data.get("category", ""), severity=data.get("severity", "info"),
        link=Link(**link) if isinstance(link, dict) and link.get("entity") else None,
        read=bool(data.get("read")), read_at=data.get("readAt"), created_at=data["createdAt"],
        event_type=data.get("eventType"),
    )


def list_notifications(user_id: str, page_size: int, token: str | None, unread_only: bool
                       ) -> tuple[list[NotificationOut], str | None]:
    """Unread first, then newest first (or only the unread ones, newest first)."""
    query = store.notifications(user_id)
    order = UNREAD_FIRST
    if unread_only:
        query, order = query.where(filter=_filter("read", "==", False)), NEWEST_FIRST
    snapshots, next_token = page(query, order, page_size, token)
    return [notification_out(snapshot) for snapshot in snapshots], next_token


def unread_count(user_id: str) -> int:
    """An aggregation query: one read per 1,000 entries counted, never a scan of the documents."""
    query = store.notifications(user_id).where(filter=_filter("read", "==", False)).count(alias="unread")
    result = query.get()
    return int(result[0][0].value) if result and result[0] else 0


def mark_read(user_id: str, notification_id: str) -> NotificationOut:
    from google.api_core.exceptions import NotFound as FirestoreNotFound

    ref = store.notifications(user_id).document(notification_id)
    try:
        ref.update({"read": True, "readAt": clock.now()})
    except FirestoreNotFound:
        raise NotFound("NOTIFICATION_NOT_FOUND", "No such notification") from None
    return notification_out(ref.get())


def mark_all_read(user_id: str) -> int:
    updated = 0
    query = store.notifications(user_id).where(filter=_filter("read", "==", False)).limit(READ_ALL_BATCH)
    while True:
        snapshots = list(query.stream())
        if not snapshots:
            return updated
        batch = client().batch()
        moment = clock.now()
        for snapshot in snapshots:
            batch.update(snapshot.reference, {"read": True, "readAt": moment})
        batch.commit()
        updated += len(snapshots)
        if len(snapshots) < READ_ALL_BATCH:
            return updated


# ---- preferences ----------------------------------------------------------------------------------

def preferences_out(preferences: dict[str, Any]) -> PreferencesOut:
    categories = {
        key: CategoryPreference(label=category.label, mandatory=category.mandatory,
                                **{_snake(channel): value for channel, value in preferences["categories"][key].items()})
        for key, category in CATEGORIES.items()
    }
    return PreferencesOut(language=preferences["language"], categories=categories)


def _snake(channel: str) -> str:
    return "in_app" if channel == "inApp" else channel


def get_preferences(user_id: str) -> tuple[PreferencesOut, int]:
    snapshot = store.preferences_ref(user_id).get()
    stored = snapshot.to_dict() if snapshot.exists else None
    return preferences_out(effective(stored)), int((stored or {}).get("version") or 0)


def update_preferences(user_id: str, change: PreferencesIn, if_match: str | None, actor: Any
                       ) -> tuple[PreferencesOut, int]:
    changes = {key: {channel: getattr(choice, _snake(channel)) for channel in CHANNELS}
               for key, choice in change.categories.items()}

    def step(uow: Any) -> tuple[dict[str, Any], int]:
        ref = store.preferences_ref(user_id)
        snapshot = uow.get(ref)
        stored = snapshot.to_dict() if snapshot.exists else None
        version = int((stored or {}).get("version") or 0)
        check_if_match(if_match, version)
        try:
            updated = apply_update(stored, change.language, changes)
        except UnknownCategory as error:
            raise Unprocessable("UNKNOWN_CATEGORY", f"There is no notification category {error.category}",
                                {"fields": [{"field": f"categories.{error.category}",
                                             "message": f"unknown category; one of {', '.join(CATEGORIES)}"}]}
                                ) from None
        except MandatoryChannelOff as error:
            raise Unprocessable(
                "CATEGORY_MANDATORY",
                f"{CATEGORIES[error.category].label} ({error.category}) notifications cannot be turned off",
                {"category": error.category, "fields": [{
                    "field": f"categories.{error.category}.{error.channel}",
                    "message": f"the {error.category} category is mandatory", "rule": "mandatory"}]},
            ) from None
        record = {**updated, "version": version + 1, "updatedAt": clock.now(), "userId": user_id}
        uow.set(ref, record)
        uow.audit("notifications.preferences.update", "notificationPreferences", user_id,
                  before=effective(stored), after=updated)
        return updated, version + 1

    updated, version = run_in_transaction(step, actor=actor)
    return preferences_out(updated), version


# ---- dead letters (administrators) ----------------------------------------------------------------

def failure_out(snapshot: Any) -> FailureOut:
    data = snapshot.to_dict() or {}
    return FailureOut(
        id=snapshot.id, channel=data.get("channel", ""), user_id=data.get("userId"),
        recipient=data.get("recipient"), event_id=data.get("eventId"), event_type=data.get("eventType"),
        category=data.get("category"), template=data.get("template"), template_id=data.get("templateId"),
        reason=data.get("reason") or "", status=data.get("status"), attempts=int(data.get("attempts") or 0),
        last_attempt_at=data.get("lastAttemptAt"), first_failed_at=data.get("firstFailedAt"),
        state=data.get("state") or OPEN, resend_count=int(data.get("resendCount") or 0),
        resolved_at=data.get("resolvedAt"),
    )


def list_failures(state: str | None, channel: str | None, page_size: int, token: str | None
                  ) -> tuple[list[FailureOut], str | None]:
    query = collection(store.FAILURES)
    if state:
        query = query.where(filter=_filter("state", "==", state))
    if channel:
        query = query.where(filter=_filter("channel", "==", channel))
    snapshots, next_token = page(query, ADMIN_ORDER, page_size, token)
    return [failure_out(snapshot) for snapshot in snapshots], next_token


def resend(failure_id: str, actor: Any) -> FailureOut:
    """Put a dead-lettered delivery back in the queue (PENDING, published again to its topic)."""
    def step(uow: Any) -> None:
        failure = uow.get(store.failure_ref(failure_id))
        if not failure.exists:
            raise NotFound("DELIVERY_FAILURE_NOT_FOUND", "No such failed delivery")
        data = failure.to_dict() or {}
        if data.get("resendable") is False:
            raise Conflict("DELIVERY_NOT_RESENDABLE", "This message held a one-time link or code, which is never "
                           "stored: the user asks for a new one", {"source": data.get("source")})
        request = uow.get(store.delivery_ref(failure_id))
        if data.get("state") != OPEN or not request.exists or (request.to_dict() or {}).get("status") != FAILED:
            raise Conflict("DELIVERY_NOT_FAILED", "This delivery is not in the failed state; nothing to re-send",
                           {"state": data.get("state")})
        moment = clock.now()
        uow.update(request.reference, {"status": PENDING, "claimedAt": None})
        uow.update(failure.reference, {"state": RESEND_QUEUED, "resendCount": int(data.get("resendCount") or 0) + 1,
                                       "resentAt": moment, "resentBy": actor.user_id if actor else None,
                                       "updatedAt": moment})
        channel = data.get("channel")
        write_event(uow, store.EMAIL_REQUESTED if channel == EMAIL else store.SMS_REQUESTED,
                    {"deliveryId": failure_id, "userId": data.get("userId"), "eventType": data.get("eventType")},
                    failure_id, topic=store.topic_for(channel))
        uow.audit("notifications.delivery.resend", "deliveryFailure", failure_id,
                  before={"state": data.get("state")}, after={"state": RESEND_QUEUED})

    run_in_transaction(step, actor=actor)

    return failure_out(collection(store.FAILURES).document(failure_id).get())

"""The `on_domain_event` consumer: turns each domain event into notifications, once per eventId.

In the consumer's one transaction (with the `processedEvents` marker, so a redelivery does nothing):
the in-app documents `users/{uid}/notifications/{eventId}` (the web client listens to them), and for
email and SMS a delivery request `deliveryRequests/{id}` plus an outbox entry for topic
`email-requests` / `sms-requests`. The Pub/Sub messages carry ids only (delivery id, user id, event
type); the delivery consumer looks up the address and renders the text.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from functions.notifications import rendering, store
from functions.notifications.catalog import CATALOG, EMAIL, IN_APP, SMS, EventSpec
from functions.notifications.preferences import effective, wanted_channels
from functions.notifications.recipients import resolve
from functions.partners.public import partner_summary
from shared import clock
from shared.config import settings
from shared.events.consumer import DomainEvent, consume_once, decode
from shared.events.outbox import write_event
from shared.logging import get_logger, log

CONSUMER = "notifications-fanout"
logger = get_logger("fanout")


def lookups(uow: Any, event: DomainEvent) -> dict[str, Any]:
    """Values the templates show that the event does not carry (it carries ids only)."""
    partner_id = event.data.get("partnerId")
    if not partner_id:
        return {}
    partner = partner_summary(uow, str(partner_id))
    if partner is None:
        return {}
    extra = {}
    if partner.name:
        extra["partnerName"] = partner.name
    if partner.partner_code:
        extra["partnerCode"] = partner.partner_code
    return extra


def link_for(spec: EventSpec, event: DomainEvent) -> dict[str, str] | None:
    if spec.link is None:
        return None
    entity, field_name = spec.link
    value = event.data.get(field_name)
    return {"entity": entity, "id": str(value)} if value else None


def notify(uow: Any, event: DomainEvent) -> None:
    """Fan one event out to its recipients (all reads first, then the writes)."""
    spec = CATALOG[event.type]
    recipients = resolve(uow, spec, event)
    stored = uow.get_all([store.preferences_ref(uid) for uid in recipients]) if recipients else {}
    extra = lookups(uow, event)
    extra_for_text = {**extra, "appUrl": settings().web_app_url}
    values = rendering.context(event.data, today=clock.today_india(), extra=extra_for_text)
    title, body = rendering.render(spec.title, values), rendering.render(spec.body, values)
    link = link_for(spec, event)
    moment = clock.now()
    counts = {IN_APP: 0, EMAIL: 0, SMS: 0}
    for uid, recipient in sorted(recipients.items()):
        snapshot = stored.get(f"{store.PREFERENCES}/{uid}")
        preferences = effective(snapshot.to_dict() if snapshot is not None and snapshot.exists else None)
        channels = wanted_channels(spec, preferences,
                                   None if recipient.allowed is None else frozenset(recipient.allowed))
        if not recipient.user.email:
            channels.discard(EMAIL)
        if not recipient.user.mobile:
            channels.discard(SMS)
        if IN_APP in channels:
            uow.create(store.notifications(uid).document(event.event_id), {
                "title": title, "body": body, "category": spec.category, "severity": spec.severity,
                "link": link, "read": False, "readAt": None, "createdAt": moment,
                "eventId": event.event_id, "eventType": event.type,
            })
            counts[IN_APP] += 1
        for channel in (EMAIL, SMS):
            if channel not in channels:
                continue
            delivery = store.delivery_id(event.event_id, channel, uid)
            uow.create(store.delivery_ref(delivery), {
                "channel": channel, "userId": uid, "eventId": event.event_id, "eventType": event.type,
                "category": spec.category, "language": preferences["language"], "data": event.data,
                "extra": extra, "status": "PENDING", "attempts": 0, "deliveries": 0, "createdAt": moment,
                "claimedAt": None, "sentAt": None, "messageId": None,
            })
            write_event(uow, store.EMAIL_REQUESTED if channel == EMAIL else store.SMS_REQUESTED,
                        {"deliveryId": delivery, "userId": uid, "eventType": event.type}, delivery,
                        topic=store.topic_for(channel))
            counts[channel] += 1
    log(logger, logging.INFO, "event fanned out", eventId=event.event_id, type=event.type,
        recipients=len(recipients), inApp=counts[IN_APP], email=counts[EMAIL], sms=counts[SMS])


# event type → handler(uow, event)
HANDLERS: dict[str, Callable[[Any, DomainEvent], None]] = dict.fromkeys(CATALOG, notify)


def handle(cloud_event: Any) -> bool:
    """Process one delivery; returns False when the event was already processed (a redelivery)."""
    event = decode(cloud_event)
    handler = HANDLERS.get(event.type)

    def work(uow: Any) -> None:
        if handler is not None:
            handler(uow, event)

    acted = consume_once(CONSUMER, event, work)
    log(logger, logging.INFO, "domain event", eventId=event.event_id, type=event.type, acted=acted,
        handled=handler is not None)
    return acted

"""The transactional outbox (DESIGN.md §9): its entries, and publishing one to Pub/Sub.

A state change writes `outbox/{eventId}` in its own transaction; after the commit the function
publishes it to Pub/Sub topic `domain-events` (attributes `type`, `eventId`) and marks it sent
(shared/events/relay.py, which also runs the `outbox-relay` job for what a crash between commit and
publish left unsent). Delivery is at least once: consumers dedupe on eventId (shared/events/consumer.py).
Timers (shared/timers.py) travel the same way: an entry of kind `timer` is "published" by creating its
Cloud Task.
"""
from __future__ import annotations

import json
import uuid
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from shared import clock, config
from shared.db import collection
from shared.events.model import DomainEventModel
from shared.jsonconv import to_jsonable
from shared.routing import DOMAIN_EVENTS_TOPIC

if TYPE_CHECKING:
    from shared.events.model import DomainEventModel
    from shared.uow import UnitOfWork

OUTBOX = "outbox"
PENDING, SENT = "PENDING", "SENT"
PUBLISH_TIMEOUT_SECONDS = 30.0
_publisher: Any = None


def write_event(uow: UnitOfWork, event_type: str | DomainEventModel, data: dict[str, Any] | None,
                subject: str | None, topic: str = DOMAIN_EVENTS_TOPIC) -> str:
    """Write one outbox entry in `uow`; it is published to `topic` after the commit (or by the relay).

    `event_type` is a typed event (shared/events/model.py: its class name and data) or, for the platform's
    own messages (delivery requests, timers), a type name with its `data`."""
    if isinstance(event_type, DomainEventModel):
        if data is not None:
            raise TypeError("a typed event carries its own data")
        event_type, data = event_type.event_type(), event_type.to_data()
    event_id = uuid.uuid4().hex
    record = {
        "eventId": event_id,
        "type": event_type,
        "subject": subject,
        "data": data,
        "occurredAt": clock.now(),
        "status": PENDING,
        "sentAt": None,
        "topic": topic,
    }
    uow.create(collection(OUTBOX).document(event_id), record)
    uow.events.append(record)
    return event_id


def publisher() -> Any:
    global _publisher
    if _publisher is None:
        from google.cloud import pubsub_v1

        _publisher = pubsub_v1.PublisherClient()
    return _publisher


def reset_publisher() -> None:
    global _publisher
    _publisher = None


def message_body(record: dict[str, Any]) -> bytes:
    envelope = {key: record[key] for key in ("eventId", "type", "subject", "data", "occurredAt")}
    return json.dumps(to_jsonable(envelope), separators=(",", ":")).encode()


def publish(record: dict[str, Any], topic: str = DOMAIN_EVENTS_TOPIC) -> None:
    """Publish one outbox record and wait for the server's acknowledgement."""
    start_publish(record, topic).result(timeout=PUBLISH_TIMEOUT_SECONDS)


def start_publish(record: dict[str, Any], topic: str) -> Future:
    """Hand one record to the publisher (it sends in the background); the future of its message id."""
    path = publisher().topic_path(config.settings().project_id, topic)
    return publisher().publish(path, message_body(record), timeout=PUBLISH_TIMEOUT_SECONDS,
                               type=record["type"], eventId=record["eventId"])

"""The transactional outbox (DESIGN.md §9).

A state change writes `outbox/{eventId}` in its own transaction; after the commit the function
publishes it to Pub/Sub topic `domain-events` (attributes `type`, `eventId`) and marks it sent. The
`outbox-relay` job publishes whatever a crash between commit and publish left unsent. Delivery is at
least once: consumers dedupe on eventId (shared/events/consumer.py). Timers (shared/timers.py) travel
the same way: an entry of kind `timer` is "published" by creating its Cloud Task.
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from shared import clock
from shared.logging import get_logger, log
from shared.routing import DOMAIN_EVENTS_TOPIC

if TYPE_CHECKING:
    from shared.db import UnitOfWork

OUTBOX = "outbox"
PENDING, SENT = "PENDING", "SENT"
RELAY_GRACE = timedelta(seconds=30)   # leave fresh entries to the request that wrote them
RELAY_BATCH = 100
logger = get_logger("outbox")
_publisher: Any = None


def write_event(uow: UnitOfWork, event_type: str, data: dict[str, Any], subject: str | None,
                topic: str = DOMAIN_EVENTS_TOPIC) -> str:
    """Write one outbox entry in `uow`; it is published to `topic` after the commit (or by the relay)."""
    from shared.db import collection

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
    from shared.http.pipeline import to_jsonable

    envelope = {key: record[key] for key in ("eventId", "type", "subject", "data", "occurredAt")}
    return json.dumps(to_jsonable(envelope), separators=(",", ":")).encode()


def publish(record: dict[str, Any], topic: str = DOMAIN_EVENTS_TOPIC) -> None:
    """Publish one outbox record and wait for the server's acknowledgement."""
    from shared.config import settings

    path = publisher().topic_path(settings().project_id, topic)
    future = publisher().publish(path, message_body(record), type=record["type"], eventId=record["eventId"])
    future.result(timeout=30)


def _mark_sent(event_ids: list[str], status: str = SENT) -> None:
    from shared.db import client, collection

    batch = client().batch()
    for event_id in event_ids:
        batch.update(collection(OUTBOX).document(event_id), {"status": status, "sentAt": clock.now()})
    batch.commit()


def deliver(record: dict[str, Any]) -> str:
    """Send one outbox entry on (a timer's Cloud Task, or an event to its Pub/Sub topic); the entry's new
    status: SENT, or a timer's DEFERRED while its time is beyond what Cloud Tasks accepts."""
    if record.get("kind") == "timer":
        from shared.timers import create_task

        return create_task(record)
    publish(record, topic=record.get("topic") or DOMAIN_EVENTS_TOPIC)
    return SENT


def publish_after_commit(records: list[dict[str, Any]]) -> None:
    """Publish what a transaction just committed; failures are left to the relay, never raised."""
    done: dict[str, list[str]] = {}
    for record in records:
        try:
            done.setdefault(deliver(record), []).append(record["eventId"])
        except Exception as error:  # noqa: BLE001 - the relay will retry it
            log(logger, logging.WARNING, "publish failed; left for the relay", eventId=record["eventId"],
                type=record["type"], error=repr(error)[:300])
    for status, event_ids in done.items():
        try:
            _mark_sent(event_ids, status)
        except Exception as error:  # noqa: BLE001 - re-publishing is harmless, consumers dedupe
            log(logger, logging.WARNING, "marking events sent failed", error=repr(error)[:300])


def relay_pending(grace: timedelta = RELAY_GRACE, batch_size: int = RELAY_BATCH) -> dict[str, int]:
    """Publish unsent outbox entries older than `grace`. Safe to run twice."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    cutoff = clock.now() - grace
    query = (collection(OUTBOX).where(filter=FieldFilter("status", "==", PENDING))
             .where(filter=FieldFilter("occurredAt", "<=", cutoff)).order_by("occurredAt").limit(batch_size))
    records = [snapshot.to_dict() for snapshot in query.stream()]
    before = len(records)
    publish_after_commit(records)
    return {"pending": before}

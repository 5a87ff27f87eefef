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
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
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
# A request waits this long in all for its events to be acknowledged after the commit; the relay sends the
# rest. The relay (a job, nobody waiting on it) gives its batch longer.
AFTER_COMMIT_SECONDS = 1.5
RELAY_DEADLINE_SECONDS = 30.0
PUBLISH_TIMEOUT_SECONDS = 30.0
logger = get_logger("outbox")
_publisher: Any = None
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


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
    _start_publish(record, topic).result(timeout=PUBLISH_TIMEOUT_SECONDS)


def _start_publish(record: dict[str, Any], topic: str) -> Future:
    """Hand one record to the publisher (it sends in the background); the future of its message id."""
    from shared.config import settings

    path = publisher().topic_path(settings().project_id, topic)
    return publisher().publish(path, message_body(record), timeout=PUBLISH_TIMEOUT_SECONDS,
                               type=record["type"], eventId=record["eventId"])


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


def _start_delivery(record: dict[str, Any]) -> Future:
    """Start sending one entry; a future of its new status. Events go through the publisher's own
    background sending; a timer's task is created on the small pool of this module."""
    if record.get("kind") == "timer":
        from shared.timers import create_task

        return _delivery_pool().submit(create_task, record)
    published = _start_publish(record, record.get("topic") or DOMAIN_EVENTS_TOPIC)
    status: Future = Future()

    def settle(done: Future) -> None:
        error = done.exception()
        if error is None:
            status.set_result(SENT)
        else:
            status.set_exception(error)

    published.add_done_callback(settle)
    return status


def _delivery_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="outbox")
        return _pool


def publish_after_commit(records: list[dict[str, Any]], deadline_seconds: float = AFTER_COMMIT_SECONDS) -> None:
    """Send what a transaction just committed, waiting at most `deadline_seconds` in all (the entries are
    sent in parallel); whatever failed or is still on its way is left to the relay, never raised. A slow
    one that arrives after all is sent again by the relay: consumers dedupe on eventId."""
    started: list[tuple[dict[str, Any], Future]] = []
    for record in records:
        try:
            started.append((record, _start_delivery(record)))
        except Exception as error:  # noqa: BLE001 - the relay will retry it
            _left(record, error)
    done, _ = wait([future for _, future in started], timeout=deadline_seconds)
    sent: dict[str, list[str]] = {}
    for record, future in started:
        if future not in done:
            _left(record, TimeoutError(f"not acknowledged within {deadline_seconds} s"))
        elif future.exception() is not None:
            _left(record, future.exception())
        else:
            sent.setdefault(future.result(), []).append(record["eventId"])
    for status, event_ids in sent.items():
        try:
            _mark_sent(event_ids, status)
        except Exception as error:  # noqa: BLE001 - re-publishing is harmless, consumers dedupe
            log(logger, logging.WARNING, "marking events sent failed", error=repr(error)[:300])


def _left(record: dict[str, Any], error: BaseException) -> None:
    log(logger, logging.WARNING, "publish failed; left for the relay", eventId=record["eventId"],
        type=record["type"], error=repr(error)[:300])


def relay_pending(grace: timedelta = RELAY_GRACE, batch_size: int = RELAY_BATCH) -> dict[str, int]:
    """Publish unsent outbox entries older than `grace`. Safe to run twice."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    cutoff = clock.now() - grace
    query = (collection(OUTBOX).where(filter=FieldFilter("status", "==", PENDING))
             .where(filter=FieldFilter("occurredAt", "<=", cutoff)).order_by("occurredAt").limit(batch_size))
    records = [snapshot.to_dict() for snapshot in query.stream()]
    before = len(records)
    publish_after_commit(records, deadline_seconds=RELAY_DEADLINE_SECONDS)
    return {"pending": before}

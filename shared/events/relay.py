"""Sending outbox entries on after their commit, and the `outbox-relay` job for those a crash left unsent.

An entry of kind `timer` becomes its Cloud Task (shared/timers.py); any other is published to its
Pub/Sub topic (shared/events/outbox.py).
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import timedelta
from typing import Any

from shared import clock, timers
from shared.db import client, collection
from shared.events import outbox
from shared.events.outbox import OUTBOX, PENDING, SENT
from shared.logging import get_logger, log
from shared.routing import DOMAIN_EVENTS_TOPIC

RELAY_GRACE = timedelta(seconds=30)   # leave fresh entries to the request that wrote them
RELAY_BATCH = 100
# A request waits this long in all for its events to be acknowledged after the commit; the relay sends the
# rest. The relay (a job, nobody waiting on it) gives its batch longer.
AFTER_COMMIT_SECONDS = 1.5
RELAY_DEADLINE_SECONDS = 30.0
logger = get_logger("outbox")
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _mark_sent(event_ids: list[str], status: str = SENT) -> None:
    batch = client().batch()
    for event_id in event_ids:
        batch.update(collection(OUTBOX).document(event_id), {"status": status, "sentAt": clock.now()})
    batch.commit()


def _start_delivery(record: dict[str, Any]) -> Future:
    """Start sending one entry; a future of its new status. Events go through the publisher's own
    background sending; a timer's task is created on the small pool of this module."""
    if record.get("kind") == timers.KIND:
        return _delivery_pool().submit(timers.create_task, record)
    published = outbox.start_publish(record, record.get("topic") or DOMAIN_EVENTS_TOPIC)
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

    cutoff = clock.now() - grace
    query = (collection(OUTBOX).where(filter=FieldFilter("status", "==", PENDING))
             .where(filter=FieldFilter("occurredAt", "<=", cutoff)).order_by("occurredAt").limit(batch_size))
    records = [snapshot.to_dict() for snapshot in query.stream()]
    before = len(records)
    publish_after_commit(records, deadline_seconds=RELAY_DEADLINE_SECONDS)
    return {"pending": before}

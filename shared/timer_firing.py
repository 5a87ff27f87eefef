"""Firing timers (shared/timers.py) once per entity version, and the `timer-sweep` backstop."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from shared import clock
from shared.auth.principal import SYSTEM
from shared.db import collection
from shared.events.outbox import OUTBOX, PENDING, SENT
from shared.logging import get_logger, log
from shared.timers import (
    DEFERRED,
    FIRED,
    KIND,
    PROCESSED,
    TASK_HORIZON,
    Timer,
    TimerDelivery,
    create_task,
    marker_id,
    task_name,
    timer,
)
from shared.uow import UnitOfWork, run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import DocumentReference

SWEEP_GRACE = timedelta(minutes=10)      # leave a due timer this long to its Cloud Task before the sweep fires it
SWEEP_BATCH = 100
MARKER_TTL = timedelta(days=30)          # longer than the queue's retry window (infra/terraform/tasks.tf)
logger = get_logger("timers")


def fire(definition: Timer, delivery: TimerDelivery, payload: BaseModel | None = None, *,
         record: DocumentReference | None = None) -> dict[str, Any]:
    """Run the timer's handler once for this entity version, with the marker in the same transaction.

    `record` (the sweep's) is the timer's outbox entry, marked FIRED in the same transaction too.
    Answers {"timer", "entityId", "version", "duplicate", "result"}.
    """
    marker = collection(PROCESSED).document(marker_id(definition.name, delivery.entityId, delivery.version))
    handler = definition.load()
    summary = {"timer": definition.name, "entityId": delivery.entityId, "version": delivery.version}

    def work(uow: UnitOfWork) -> dict[str, Any]:
        if record is not None:
            uow.update(record, {"status": FIRED})
        if uow.get(marker).exists:
            return {**summary, "duplicate": True, "result": None}
        result = handler(uow, delivery.entityId, delivery.version, payload)
        now = clock.now()
        uow.create(marker, {**summary, "task": task_name(definition.name, delivery.entityId, delivery.version),
                            "result": result, "processedAt": now, "expiresAt": now + MARKER_TTL})
        return {**summary, "duplicate": False, "result": result}

    outcome = run_in_transaction(work, SYSTEM)
    log(logger, logging.INFO, "timer fired", timer=definition.name, entityId=delivery.entityId,
        version=delivery.version, duplicate=outcome["duplicate"], viaSweep=record is not None)
    return outcome


def sweep(grace: timedelta = SWEEP_GRACE, batch_size: int = SWEEP_BATCH) -> dict[str, int]:
    """Backstop: fire timers due more than `grace` ago that no delivery has been seen for (a lost task),
    and create the tasks of deferred timers now within Cloud Tasks' horizon.

    A timer whose task did fire only gets its outbox entry marked FIRED. Safe to run twice.
    """
    from google.cloud.firestore_v1.base_query import FieldFilter

    def entries(statuses: list[str], until: datetime, after: datetime | None = None) -> list[Any]:
        query = (collection(OUTBOX).where(filter=FieldFilter("kind", "==", KIND))
                 .where(filter=FieldFilter("status", "in", statuses))
                 .where(filter=FieldFilter("fireAt", "<=", until)))
        if after is not None:
            query = query.where(filter=FieldFilter("fireAt", ">", after))
        return list(query.order_by("fireAt").limit(batch_size).stream())

    now = clock.now()
    report = {"fired": 0, "alreadyFired": 0, "failed": 0, "armed": 0}
    for snapshot in entries([DEFERRED], now + TASK_HORIZON - grace, after=now - grace):
        try:
            status = create_task(snapshot.to_dict() or {})
            if status != SENT:
                continue
            snapshot.reference.update({"status": status, "sentAt": clock.now()})
        except Exception as error:  # noqa: BLE001 - retried next run
            log(logger, logging.WARNING, "sweep could not create a deferred timer's task", record=snapshot.id,
                error=repr(error)[:300])
            continue
        report["armed"] += 1
    for snapshot in entries([PENDING, SENT, DEFERRED], now - grace):
        entry = snapshot.to_dict() or {}
        try:
            definition = timer(entry["timer"])
            delivery = TimerDelivery.model_validate(entry["data"])
            model = definition.payload_model()
            payload = model.model_validate(delivery.payload) if model else None
            outcome = fire(definition, delivery, payload, record=snapshot.reference)
        except Exception as error:  # noqa: BLE001 - one broken timer must not stop the others; retried next run
            report["failed"] += 1
            log(logger, logging.WARNING, "sweep could not fire a timer", record=snapshot.id,
                timer=entry.get("timer"), error=repr(error)[:300])
            continue
        report["alreadyFired" if outcome["duplicate"] else "fired"] += 1
    return report

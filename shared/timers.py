"""Per-entity timers: the table of timer handlers, scheduling after the commit, and firing once.

A timer fires at an exact time for one entity at one version (an offer's validity at negotiation
version 3). `uow.schedule_timer(name, entity_id, version, fire_at, payload)` writes it into the unit of
work's outbox (`outbox/{id}`, kind `timer`); after the commit the outbox creates the Cloud Task
(shared/adapters/tasks.py), and the `outbox-relay` job creates the ones a crash left behind. The task
is named from timer, entity and version, so scheduling the same timer twice is one task in the cloud.

The task POSTs to `/jobs/timers/<name>` at `fire_at` (functions/jobs: the tasks account's OIDC token in
the cloud, the jobs secret locally). `fire` runs the handler and writes `processedTimers/{taskId}` in
one transaction, so a task delivered twice (Cloud Tasks delivers at least once; the emulator does not
deduplicate names at all) runs its handler once. A newer version gets a new timer and the old task
still fires: handlers re-read the entity and do nothing unless it is still in the state and at the
version the timer was set for. The `timer-sweep` job fires, in-process, timers whose task was lost.

A handler is `handler(uow, entity_id, version, payload) -> dict` (a JSON-able summary), where payload
is an instance of the timer's payload model (None for a timer without one).
"""
from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared import clock
from shared.adapters import tasks
from shared.logging import get_logger, log
from shared.models import DocId

if TYPE_CHECKING:
    from google.cloud.firestore import DocumentReference

    from shared.db import UnitOfWork

PATH_PREFIX = "/jobs/timers/"
PROCESSED = "processedTimers"
KIND = "timer"
SCHEDULED_TYPE = "TimerScheduled"
FIRED = "FIRED"                          # outbox status of a timer the sweep has seen fired
DEFERRED = "DEFERRED"                    # outbox status of a timer too far ahead for Cloud Tasks yet
TASK_HORIZON = timedelta(days=29)        # Cloud Tasks refuses a schedule time over 30 days ahead
SWEEP_GRACE = timedelta(minutes=10)      # leave a due timer this long to its Cloud Task before the sweep fires it
SWEEP_BATCH = 100
MARKER_TTL = timedelta(days=30)          # longer than the queue's retry window (infra/terraform/tasks.tf)
logger = get_logger("timers")


@dataclass(frozen=True)
class Timer:
    name: str              # the path segment of POST /jobs/timers/<name>
    handler: str           # "module:function", called as handler(uow, entity_id, version, payload)
    description: str
    payload: str | None = None   # "module:Model" (pydantic) of the payload; None: the payload is empty

    def load(self) -> Callable[..., dict[str, Any]]:
        return _attribute(self.handler)

    def payload_model(self) -> type[BaseModel] | None:
        return _attribute(self.payload) if self.payload else None


def _attribute(path: str) -> Any:
    module_name, _, name = path.partition(":")
    return getattr(importlib.import_module(module_name), name)


TIMERS: tuple[Timer, ...] = (
    Timer("offer-expiry", "functions.tradedesk.expiry:expire_offer",
          "a live offer still at this negotiation version and past its validUntil becomes EXPIRED"),
    Timer("offer-expiring", "functions.tradedesk.expiry:warn_offer_expiring",
          "OfferExpiring to the party whose turn it is, an hour before the offer lapses (same version only)"),
    Timer("trade-expiry", "functions.tradedesk.expiry:expire_trade",
          "an open request past its validUntil becomes EXPIRED with its live offers"),
)


def timer(name: str) -> Timer:
    for item in TIMERS:
        if item.name == name:
            return item
    raise KeyError(name)


class TimerDelivery(BaseModel):
    """The body of a timer's task."""

    model_config = ConfigDict(extra="forbid")

    entityId: DocId  # noqa: N815 - the JSON field name
    version: int = Field(ge=0)
    fireAt: AwareDatetime  # noqa: N815 - the JSON field name
    payload: dict[str, Any] = Field(default_factory=dict)


def task_name(name: str, entity_id: str, version: int) -> str:
    """The readable name of the timer's task: one per timer, entity and version."""
    return f"{name}-{entity_id}-v{int(version)}"


def marker_id(name: str, entity_id: str, version: int) -> str:
    """The id of the timer's `processedTimers` marker: the task id (a valid Firestore document id)."""
    return tasks.task_id(task_name(name, entity_id, version))


def payload_json(definition: Timer, payload: BaseModel | dict[str, Any] | None) -> dict[str, Any]:
    """The payload as JSON, validated against the timer's model (a wrong payload is a bug: ValueError)."""
    model = definition.payload_model()
    if model is None:
        if payload:
            raise ValueError(f"timer {definition.name} takes no payload")
        return {}
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else (payload or {})
    return model.model_validate(data).model_dump(mode="json")


def schedule(uow: UnitOfWork, name: str, entity_id: str, version: int, fire_at: datetime,
             payload: BaseModel | dict[str, Any] | None = None) -> str:
    """Write timer `name` for this entity version into `uow`'s outbox; its task is created after the commit.

    Returns the task's readable name.
    """
    from shared.db import collection
    from shared.events.outbox import OUTBOX, PENDING

    definition = timer(name)
    if fire_at.tzinfo is None:
        raise ValueError("fire_at must be timezone-aware")
    delivery = TimerDelivery(entityId=entity_id, version=version, fireAt=fire_at,
                             payload=payload_json(definition, payload))
    record_id = uuid.uuid4().hex
    record = {
        "eventId": record_id,
        "kind": KIND,
        "type": SCHEDULED_TYPE,
        "subject": entity_id,
        "timer": name,
        "task": task_name(name, entity_id, version),
        "data": delivery.model_dump(mode="json"),
        "fireAt": fire_at,
        "occurredAt": clock.now(),
        "status": PENDING,
        "sentAt": None,
        "topic": None,
    }
    uow.create(collection(OUTBOX).document(record_id), record)
    uow.events.append(record)
    return record["task"]


def create_task(record: dict[str, Any]) -> str:
    """Create the Cloud Task of one timer outbox entry (the outbox calls this after the commit); the
    entry's new status: SENT, or DEFERRED for a time beyond TASK_HORIZON (the sweep creates it later)."""
    from shared.events.outbox import SENT

    if record["fireAt"] > clock.now() + TASK_HORIZON:
        return DEFERRED
    tasks.schedule_http_task(record["task"], PATH_PREFIX + record["timer"], record["data"], record["fireAt"])
    return SENT


def fire(definition: Timer, delivery: TimerDelivery, payload: BaseModel | None = None, *,
         record: DocumentReference | None = None) -> dict[str, Any]:
    """Run the timer's handler once for this entity version, with the marker in the same transaction.

    `record` (the sweep's) is the timer's outbox entry, marked FIRED in the same transaction too.
    Answers {"timer", "entityId", "version", "duplicate", "result"}.
    """
    from shared.auth.principal import SYSTEM
    from shared.db import collection, run_in_transaction

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

    from shared.db import collection
    from shared.events.outbox import OUTBOX, PENDING, SENT

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

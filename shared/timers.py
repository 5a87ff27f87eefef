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
Firing and the sweep live in shared/timer_firing.py (they run units of work; this module is written
into one).

A handler is `handler(uow, entity_id, version, payload) -> dict` (a JSON-able summary), where payload
is an instance of the timer's payload model (None for a timer without one).
"""
from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared import clock
from shared.adapters import tasks
from shared.db import collection
from shared.events.outbox import OUTBOX, PENDING, SENT
from shared.models import DocId

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

PATH_PREFIX = "/jobs/timers/"
PROCESSED = "processedTimers"
KIND = "timer"
SCHEDULED_TYPE = "TimerScheduled"
FIRED = "FIRED"                          # outbox status of a timer the sweep has seen fired
DEFERRED = "DEFERRED"                    # outbox status of a timer too far ahead for Cloud Tasks yet
TASK_HORIZON = timedelta(days=29)        # Cloud Tasks refuses a schedule time over 30 days ahead


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
    if record["fireAt"] > clock.now() + TASK_HORIZON:
        return DEFERRED
    tasks.schedule_http_task(record["task"], PATH_PREFIX + record["timer"], record["data"], record["fireAt"])
    return SENT

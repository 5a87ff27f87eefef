"""Idempotent consumption of domain events delivered by Pub/Sub (at least once)."""
from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared import clock
from shared.db import collection
from shared.uow import run_in_transaction

PROCESSED = "processedEvents"


@dataclass(frozen=True)
class DomainEvent:
    event_id: str
    type: str
    subject: str | None
    data: dict[str, Any]
    occurred_at: str | None


def decode(cloud_event: Any) -> DomainEvent:
    """The DomainEvent inside a Pub/Sub CloudEvent (`data.message.data` is base64 JSON)."""
    payload = cloud_event.data if hasattr(cloud_event, "data") else cloud_event
    message = payload["message"]
    attributes = message.get("attributes") or {}
    body = json.loads(base64.b64decode(message.get("data") or b"e30="))
    return DomainEvent(
        event_id=body.get("eventId") or attributes["eventId"],
        type=body.get("type") or attributes["type"],
        subject=body.get("subject"),
        data=body.get("data") or {},
        occurred_at=body.get("occurredAt"),
    )


def consume_once(consumer: str, event: DomainEvent, work: Callable[[Any], Any]) -> bool:
    """Run `work(uow)` and record `processedEvents/{consumer}:{eventId}` in one transaction.

    Returns False (and does nothing) when this consumer already processed the event.
    """
    marker = collection(PROCESSED).document(f"{consumer}:{event.event_id}")

    def step(uow: Any) -> bool:
        if uow.get(marker).exists:
            return False
        work(uow)
        uow.create(marker, {"consumer": consumer, "eventId": event.event_id, "type": event.type,
                            "processedAt": clock.now()})
        return True

    return run_in_transaction(step)

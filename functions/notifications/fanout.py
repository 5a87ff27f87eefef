"""The `on_domain_event` consumer: turns each domain event into notifications, once per eventId."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from shared.events.consumer import DomainEvent, consume_once, decode
from shared.logging import get_logger, log

CONSUMER = "notifications-fanout"
logger = get_logger("fanout")

# event type → handler(uow, event); filled in by the notifications issue.
HANDLERS: dict[str, Callable[[Any, DomainEvent], None]] = {}


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

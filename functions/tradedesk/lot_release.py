"""The `on_contract_cancelled` consumer: a cancelled contract gives its tested lot's reservation back.

An acceptance reserves the offer's quantity on its tested lot in its own transaction (acceptance.py).
When the contract made from that offer is cancelled, the contracts group emits ContractCancelled naming
the offer; this consumer releases the reservation (lots.release: available up, reserved down, RESERVED
back to AVAILABLE) in one transaction with the `processedEvents` marker, so a redelivery does nothing.
"""
from __future__ import annotations

from typing import Any

from functions.tradedesk import lots
from functions.tradedesk.acceptance import offer_ref
from shared.events.consumer import DomainEvent, consume_once, decode

CONSUMER = "lot-release"
CANCELLED = "ContractCancelled"


def release_for(event: DomainEvent) -> bool:
    """Release the lot of the event's offer; False for another event, an offer without a lot, or a redelivery."""
    offer_id = event.data.get("offerId")
    if event.type != CANCELLED or not offer_id:
        return False

    def work(uow: Any) -> None:
        snapshot = uow.get(offer_ref(str(offer_id)))
        lot_id = (snapshot.to_dict() or {}).get("lotId") if snapshot.exists else None
        if lot_id:
            lots.release(uow, lot_id, str(offer_id))

    return consume_once(CONSUMER, event, work)


def handle(cloud_event: Any) -> bool:
    return release_for(decode(cloud_event))

"""One live offer per counterparty per request (409 DUPLICATE_OFFER), safe under concurrency.

`offerKeys/{tradeId}:{partnerId}` names the live offer. Making an offer reads the key and `create`s it
in the same unit of work: a live key answers DUPLICATE_OFFER at once, and two concurrent first offers
cannot both commit (the second `create` fails at commit, or its transaction is retried and then reads
the key). The key is deleted when the offer closes (rejected, withdrawn, expired or accepted), so the
counterparty may offer again on what is still open.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from shared import clock
from shared.db import collection
from shared.errors import Conflict
from shared.uow import run_in_transaction

OFFER_KEYS = "offerKeys"
T = TypeVar("T")


def key_id(trade_id: str, partner_id: str) -> str:
    return f"{trade_id}:{partner_id}"


def key_ref(trade_id: str, partner_id: str) -> Any:
    return collection(OFFER_KEYS).document(key_id(trade_id, partner_id))


def duplicate(offer_id: str | None = None) -> Conflict:
    # The existing offer's id is the caller's own offer (the key is per counterparty), so naming it is safe.
    return Conflict("DUPLICATE_OFFER", "You already have a live offer on this request; counter or withdraw it",
                    {"offerId": offer_id} if offer_id else {})


def claim(uow: Any, trade_id: str, partner_id: str, offer_id: str) -> None:
    """Reserve the key for `offer_id` in `uow` (reads first; the create is queued); 409 when taken."""
    ref = key_ref(trade_id, partner_id)
    snapshot = uow.get(ref)
    if snapshot.exists:
        raise duplicate((snapshot.to_dict() or {}).get("offerId"))
    uow.create(ref, {"tradeId": trade_id, "partnerId": partner_id, "offerId": offer_id, "createdAt": clock.now()})


def release(uow: Any, trade_id: str, partner_id: str) -> None:
    uow.delete(key_ref(trade_id, partner_id))


def run_claiming(work: Callable[[Any], T], actor: Any) -> T:
    """`run_in_transaction(work)` where a concurrent claim that won the race becomes DUPLICATE_OFFER."""
    from google.api_core.exceptions import AlreadyExists

    try:
        return run_in_transaction(work, actor)
    except AlreadyExists:
        raise duplicate() from None

"""Demo trade-desk data for `make run`, so the desk is not empty (idempotent: a second run finds it).

- a tested lot of the demo seller (a fixed id);
- a posted BUY request of the demo buyer, with an offer of the seller on it and the buyer's counter
  (the seller's turn);
- a posted SELL availability of the demo trader.

Made through the same services as the API, by a back-office seed user acting for each partner, so the
numbers, timers, events and audit entries are the real ones.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DEMO_LOT_ID = "demo-lot-rajkot-1"
DEMO_NOTE = "Demo request (make run)"


def _staff() -> Any:
    from shared.auth.principal import BACK_OFFICE, SYSTEM, Principal

    return Principal(user_id=SYSTEM.user_id or "system", session_id="seed", kind=BACK_OFFICE, role="SYSTEM")


def _partner_of(partners: Iterable[Mapping[str, Any]], kind: str) -> str | None:
    return next((str(p["id"]) for p in partners if p.get("kind") == kind and p.get("id")), None)


def seed_lot(seller_id: str) -> bool:
    """The demo seller's tested lot; True when this run created it."""
    from functions.tradedesk import lots
    from functions.tradedesk.lot_models import LotIn
    from shared.auth.principal import SYSTEM

    if lots.lot_ref(DEMO_LOT_ID).get().exists:
        return False
    body = LotIn.model_validate({
        "partnerId": seller_id, "commodityId": "COTTON", "lab": "Cotton Association of India, Rajkot",
        "reportNumber": "CAI-RJT-2026-0412", "reportDate": "2026-11-20",
        "hvi": {"stapleMm": 29.2, "micronaire": 4.0, "strengthGpt": 29.5, "trashPct": 2.8, "moisturePct": 7.9},
        "stationId": "24-rajkot", "quantity": {"value": 300, "unit": "BALE"}})
    lots.create(_staff(), body, SYSTEM, lot_id=DEMO_LOT_ID)
    return True


def _demo_requests() -> list[str]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.tradedesk.acceptance import TRADES
    from shared.db import collection

    query = collection(TRADES).where(filter=FieldFilter("notes", "==", DEMO_NOTE)).limit(10)
    return [snapshot.id for snapshot in query.stream()]


def _posted_request(partner_id: str, org_id: str, body: dict[str, Any]) -> dict[str, Any]:
    from functions.tradedesk import trades
    from functions.tradedesk.models import TradeIn
    from shared.auth.principal import SYSTEM

    staff = _staff()
    model = TradeIn.model_validate({**body, "partnerId": partner_id, "orgId": org_id, "notes": DEMO_NOTE})
    draft = trades.create(staff, trades.fields_of(model), model.side, partner_id, org_id, SYSTEM)
    return trades.post(staff, draft["id"], None, SYSTEM)


BUY_REQUEST = {
    "side": "BUY", "commodityId": "COTTON", "varietyId": "COTTON:SHANKAR-6",
    "quantity": {"value": 300, "unit": "BALE"},
    "quality": {"stapleMm": {"min": 28.5, "max": 30}, "micronaire": {"min": 3.6, "max": 4.8}},
    "targetPrice": 56000, "priceUnit": "CANDY", "location": {"stateCode": "24"},
    "tradeType": "SPOT", "bargainType": "EX_GIN", "deliveryTerms": "WITHIN_7_DAYS",
    "paymentTerms": "CREDIT_15_DAYS", "validityDays": 14,
}
SELL_AVAILABILITY = {
    "side": "SELL", "commodityId": "COTTON", "varietyId": "COTTON:SHANKAR-6",
    "quantity": {"value": 200, "unit": "BALE"},
    "quality": {"stapleMm": {"min": 28.5, "max": 29.5}, "micronaire": {"min": 3.8, "max": 4.6}},
    "targetPrice": 55800, "priceUnit": "CANDY", "location": {"stateCode": "27"},
    "tradeType": "SPOT", "bargainType": "EX_GIN", "deliveryTerms": "WITHIN_7_DAYS",
    "paymentTerms": "CREDIT_15_DAYS", "validityDays": 14,
}


def seed_requests(buyer_id: str, seller_id: str, trader_id: str | None, org_id: str) -> dict[str, Any]:
    """The buyer's request with the seller's offer and the buyer's counter; the trader's availability."""
    from functions.tradedesk import offers
    from functions.tradedesk.models import CounterIn, OfferIn
    from shared.auth.principal import SYSTEM

    staff = _staff()
    request = _posted_request(buyer_id, org_id, BUY_REQUEST)
    offer = offers.create(staff, OfferIn.model_validate({
        "tradeId": request["id"], "partnerId": seller_id, "price": 56400, "priceUnit": "CANDY",
        "quantity": {"value": 150, "unit": "BALE"}, "quality": {"stapleMm": 29.2, "micronaire": 4.0},
        "stationId": "24-rajkot", "validityHours": 72, "message": "Fresh Shankar-6 from our Rajkot gin"}), SYSTEM)
    offers.counter(staff, offer["id"], CounterIn.model_validate({
        "version": 1, "partnerId": buyer_id, "price": 56100, "message": "Can do 56,100 for 150 bales"}), SYSTEM)
    numbers = [request["number"]]
    if trader_id:
        numbers.append(_posted_request(trader_id, org_id, SELL_AVAILABILITY)["number"])
    return {"requests": numbers, "offerId": offer["id"]}


def seed_tradedesk(partners: Iterable[Mapping[str, Any]], org_ids: Iterable[str] = ()) -> dict[str, Any]:
    """{lotId, created, requests, offerId} of the demo desk ({} when there is no seller partner; no
    requests without a buyer or an organization, or when a previous run made them)."""
    from shared.errors import ApiError

    partners = list(partners)
    seller = _partner_of(partners, "SELLER")
    if seller is None:
        return {}
    result: dict[str, Any] = {"lotId": DEMO_LOT_ID, "created": seed_lot(seller), "requests": []}
    buyer, orgs = _partner_of(partners, "BUYER"), list(org_ids)
    if buyer is None or not orgs or _demo_requests():
        return result
    try:
        result.update(seed_requests(buyer, seller, _partner_of(partners, "TRADER"), orgs[0]))
    except ApiError as error:       # e.g. a partner not allowed to trade yet: the demo goes on without requests
        result["skipped"] = error.code
    return result

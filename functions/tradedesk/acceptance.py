"""Accepting an offer in one transaction (DOMAIN.md "Trade desk", Acceptance).

In one unit of work: the offer must be live, not past `validUntil` (409 OFFER_EXPIRED even before its
timer fired), answered at its current negotiation version (409 STALE_VERSION) by the party whose turn
it is (409 NOT_YOUR_TURN); the request's open quantity drops by the offer's and never below zero (409
QUANTITY_EXCEEDS_OPEN); the request becomes PARTIALLY_FILLED or, when nothing is left open, AGREED and
every other live offer on it REJECTED with the reason REQUEST_FILLED; the offer keys are released; an
audit entry per change and the OfferAccepted event are written with it. An offer on a tested lot
reserves its quantity on the lot in the same unit of work (409 LOT_UNAVAILABLE when the lot no longer
has it: nothing is written). Both parties must still be
allowed to trade (partners.public.ensure_can_trade: 409 PARTNER_CANNOT_TRADE, e.g. suspended since the offer).
Concurrent acceptances on one
request serialise on the request document (Firestore retries the losers, which then see the new open
quantity), so the accepted quantities never sum above what was open.

Stored shapes (decimals as strings, as shared/units.to_store writes them):
trades/{id}  status, ownerPartnerId, openKg, filledKg, version
offers/{id}  tradeId, status, negotiationVersion, turn (OWNER|MAKER), makerPartnerId, ownerPartnerId,
             quantity {value, unit, kg}, validUntil, version
`contract_writer(uow, trade, offer) -> {"id", "number"}` writes the draft sales contract in the same
unit of work: by default `draft_contract`, through contracts.public.create_draft_contract.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from functions.contracts.public import DraftContractInput, create_draft_contract, draft_contract_masters
from functions.partners.public import ensure_can_trade
from functions.tradedesk import keys, rules, states
from functions.tradedesk.events import OfferAccepted, OfferRejected
from shared import clock
from shared.db import collection, stamp_update
from shared.errors import Conflict, NotFound
from shared.uow import run_in_transaction
from shared.versions import ensure_version

TRADES, OFFERS = "trades", "offers"
ContractWriter = Callable[[Any, dict[str, Any], dict[str, Any]], dict[str, str]]


def trade_ref(trade_id: str) -> Any:
    return collection(TRADES).document(trade_id)


def offer_ref(offer_id: str) -> Any:
    return collection(OFFERS).document(offer_id)


def party_of(offer: dict[str, Any], partner_id: str | None) -> str:
    """OWNER or MAKER for a partner of this offer (404 for anyone else: never reveal the offer)."""
    if partner_id and partner_id == offer.get("ownerPartnerId"):
        return rules.OWNER
    if partner_id and partner_id == offer.get("makerPartnerId"):
        return rules.MAKER
    raise NotFound("OFFER_NOT_FOUND", "No such offer")


def load_offer(uow: Any, offer_id: str) -> dict[str, Any]:
    snapshot = uow.get(offer_ref(offer_id))
    if not snapshot.exists:
        raise NotFound("OFFER_NOT_FOUND", "No such offer")
    return {"id": offer_id, **(snapshot.to_dict() or {})}


def answerable(uow: Any, offer_id: str, partner_id: str, expected_version: int, *, check_validity: bool = True
               ) -> tuple[dict[str, Any], str]:
    """(offer, acting party) when `partner_id` may answer `expected_version` now (counter, accept, reject)."""
    offer = load_offer(uow, offer_id)
    party = party_of(offer, partner_id)
    rules.check_live(offer["status"])
    if check_validity:
        rules.check_not_expired(offer.get("validUntil"), clock.now())
    ensure_version(expected_version, int(offer["negotiationVersion"]))
    rules.check_turn(offer["turn"], party)
    return offer, party


def _masters_of(offer_id: str) -> Any:
    """The contract's masters, read before the transaction (None when the offer or request is unknown)."""
    offer = offer_ref(offer_id).get().to_dict() or {}
    trade = (trade_ref(offer["tradeId"]).get().to_dict() or {}) if offer.get("tradeId") else {}
    return draft_contract_masters(trade["commodityId"]) if trade.get("commodityId") else None


def draft_contract(uow: Any, trade: dict[str, Any], offer: dict[str, Any], masters: Any = None) -> dict[str, str]:
    """The draft sales contract of an accepted offer (contracts.public), on the offer's latest terms."""
    terms = offer.get("terms") or {}
    owner_buys = trade.get("side") == "BUY"
    buyer, seller = ((offer["ownerPartnerId"], offer["makerPartnerId"]) if owner_buys
                     else (offer["makerPartnerId"], offer["ownerPartnerId"]))
    chosen = {name: terms.get(name) or trade.get(name) for name in rules.TERM_LISTS}
    ref = create_draft_contract(uow, DraftContractInput(
        org_id=trade["orgId"], buyer_partner_id=buyer, seller_partner_id=seller,
        commodity_id=trade["commodityId"], variety_id=trade.get("varietyId"),
        quantity=terms.get("quantity") or offer["quantity"], price=str(terms.get("price")),
        price_unit=str(terms.get("priceUnit")), trade_id=trade["id"], offer_id=offer["id"],
        quality=offer.get("quality") or trade.get("quality") or {}, terms=chosen,
        station_id=offer.get("stationId") or (trade.get("location") or {}).get("stationId"),
        state_code=(trade.get("location") or {}).get("stateCode")), masters)
    return {"id": ref.id, "number": ref.number}


def reserve_lot(uow: Any, trade: dict[str, Any], offer: dict[str, Any], kg: Decimal) -> None:
    """Reserve the accepted quantity on the offer's tested lot in the acceptance's unit of work (the
    concurrent acceptances of offers on one lot serialise on the lot document); 409 LOT_UNAVAILABLE,
    and nothing written, when the lot is gone, no longer AVAILABLE or has less than `kg` available."""
    from functions.tradedesk import lots

    seller = offer["makerPartnerId"] if trade.get("side") == "BUY" else offer["ownerPartnerId"]
    try:
        lots.reserve(uow, offer["lotId"], kg, offer_id=offer["id"], seller_partner_id=seller)
    except Conflict as error:
        raise Conflict("LOT_UNAVAILABLE", "The offer's tested lot no longer has this quantity available",
                       {"lotId": offer["lotId"], "reason": error.code, "offerKg": str(kg),
                        **{k: v for k, v in (error.details or {}).items() if k == "availableKg"}}) from None


def accept(offer_id: str, expected_version: int, partner_id: str, actor: Any, *,
           contract_writer: ContractWriter | None = draft_contract) -> dict[str, Any]:
    """Accept `offer_id` for `partner_id` (the party whose turn it is); returns the accepted offer with
    `contractId`/`contractNumber` (none when `contract_writer` is None)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    masters = _masters_of(offer_id) if contract_writer is draft_contract else None

    def work(uow: Any) -> dict[str, Any]:
        offer, party = answerable(uow, offer_id, partner_id, expected_version)
        for party_id in (offer["ownerPartnerId"], offer["makerPartnerId"]):
            ensure_can_trade(party_id, uow=uow)
        now = clock.now()
        trade_snapshot = uow.get(trade_ref(offer["tradeId"]))
        trade = {"id": offer["tradeId"], **(trade_snapshot.to_dict() or {})}
        if trade.get("status") not in states.TRADE_OPEN:
            raise Conflict("TRADE_CLOSED", f"The request is {trade.get('status')}", {"status": trade.get("status")})
        accepted_kg = Decimal(offer["quantity"]["kg"])
        open_kg, status = rules.fill(Decimal(trade["openKg"]), accepted_kg)
        if offer.get("lotId"):
            reserve_lot(uow, trade, offer, accepted_kg)
        others: list[Any] = []
        if status == states.AGREED:
            query = collection(OFFERS).where(filter=FieldFilter("tradeId", "==", trade["id"])).where(
                filter=FieldFilter("status", "in", sorted(states.OFFER_LIVE)))
            others = [s for s in uow.query(query) if s.id != offer_id]
        contract = None
        if contract_writer is draft_contract:
            contract = draft_contract(uow, trade, offer, masters)
        elif contract_writer:
            contract = contract_writer(uow, trade, offer)
        actor_id = getattr(actor, "user_id", None)
        offer_update = stamp_update({"status": states.ACCEPTED, "acceptedAt": now, "acceptedBy": actor_id,
                                     "turn": None, "contractId": contract and contract["id"],
                                     "contractNumber": contract and contract["number"]},
                                    actor_id, int(offer.get("version", 1)))
        uow.update(offer_ref(offer_id), offer_update)
        keys.release(uow, trade["id"], offer["makerPartnerId"])
        filled = Decimal(trade.get("filledKg") or "0") + accepted_kg
        trade_update = stamp_update({"status": status, "openKg": str(open_kg), "filledKg": str(filled)},
                                    actor_id, int(trade.get("version", 1)))
        uow.update(trade_ref(trade["id"]), trade_update)
        uow.audit("offer.accept", "offer", offer_id, before={"status": offer["status"]},
                  after={"status": states.ACCEPTED, "contractId": offer_update["contractId"]}, orgId=trade.get("orgId"))
        uow.audit("trade.fill", "trade", trade["id"], before={"status": trade["status"], "openKg": trade["openKg"]},
                  after={"status": status, "openKg": str(open_kg)}, orgId=trade.get("orgId"))
        for other in others:
            data = other.to_dict() or {}
            uow.update(other.reference, stamp_update({"status": states.REJECTED, "rejectedAt": now,
                                                      "rejectionReason": "REQUEST_FILLED", "turn": None},
                                                     actor_id, int(data.get("version", 1))))
            keys.release(uow, trade["id"], data["makerPartnerId"])
            uow.audit("offer.reject", "offer", other.id, before={"status": data.get("status")},
                      after={"status": states.REJECTED, "reason": "REQUEST_FILLED"}, orgId=trade.get("orgId"))
            uow.emit(OfferRejected(offer_id=other.id, trade_id=trade["id"],
                                   recipient_partner_id=data["makerPartnerId"], trade_number=trade.get("number")),
                     subject=other.id)
        uow.emit(OfferAccepted(offer_id=offer_id, trade_id=trade["id"], org_id=trade.get("orgId"),
                               recipient_partner_id=offer["makerPartnerId"] if party == rules.OWNER
                               else offer["ownerPartnerId"], trade_number=trade.get("number"),
                               contract_id=offer_update["contractId"]), subject=offer_id)
        return {**offer, **offer_update}

    return run_in_transaction(work, actor)

"""Offers on a posted request: making one, and the HTTP side of counter, accept, reject, withdraw, the
request's offers and the negotiation history (the transactional cores are negotiation.py and acceptance.py).

Making an offer is one transaction: the request must be open (409 TRADE_CLOSED) and visible to the maker;
the maker's kind must allow the offer's side; no offer on one's own request nor between partners sharing a
PAN or GSTIN (409 SELF_TRADE); required certificates held, verified, unexpired (422 CERTIFICATE_MISMATCH);
actual quality values inside the template's bounds (422 PARAMETERS_OUT_OF_RANGE); quantity at most the
open quantity (409 QUANTITY_EXCEEDS_OPEN); one live offer per counterparty (offerKeys, 409 DUPLICATE_OFFER).
An offer may name the seller's own tested lot (`lotId`): 404 LOT_NOT_FOUND unless it is the maker's, 409
LOT_NOT_AVAILABLE unless AVAILABLE, 422 LOT_COMMODITY_MISMATCH for another commodity, 422
LOT_VARIETY_MISMATCH for another variety than the one the request names, 409 LOT_QUANTITY_EXCEEDED above
its available quantity, 422 LOT_NOT_ALLOWED on a SELL request; the lot's HVI values become the offer's
quality and its station the offer's (the acceptance reserves the quantity).
The offer stores a pseudonymous `makerHandle` (anonymity.handle under the request's secret), version 1 of
its terms, the turn (the owner answers first), its match score against the request (offer_score.py:
`matchScore`, `matchBreakdown`) and its expiry timers.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from functions.tradedesk import acceptance, expiry, keys, lots, negotiation, offer_score, rules, states
from functions.tradedesk.acceptance import OFFERS, offer_ref, trade_ref
from functions.tradedesk.anonymity import Viewer, handle, offer_for
from functions.tradedesk.events import OfferReceived
from functions.tradedesk.lots import place_of_station
from functions.tradedesk.parties import acting_partner, viewer_of
from functions.tradedesk.trades import MARKET_SIDES, not_found, template_of
from shared import clock
from shared.auth.principal import SYSTEM, Principal
from shared.errors import Conflict, NotFound, Unprocessable


def _quantity(model: Any) -> dict[str, str]:
    return {"value": str(model.value), "unit": model.unit.value, "kg": str(model.kg)}


# Who last touched an offer names a user of either side: a party sees none of them before acceptance.
ACTOR_FIELDS = ("createdBy", "updatedBy", "acceptedBy", "withdrawnBy", "makerUserId")


def present(viewer: Viewer, offer: dict[str, Any]) -> dict[str, Any]:
    view = offer_for(viewer, offer)
    view["testedLot"] = bool(offer.get("lotId"))     # whoever sees the offer may know a tested lot backs it
    if not viewer.back_office and offer.get("status") != states.ACCEPTED:
        for name in ACTOR_FIELDS:
            view.pop(name, None)
    view.setdefault("lotId", None)
    view.setdefault("contractId", None)
    view.setdefault("contractNumber", None)
    return view


def create(principal: Principal, body: Any, actor: Any) -> dict[str, Any]:
    from functions.partners.public import ensure_can_trade, held_certifications, trading_partner
    from shared.db import stamp_new

    acting = acting_partner(principal, body.partner_id)
    offer_id = uuid.uuid4().hex
    quantity = _quantity(body.quantity)
    if body.lot_id is not None and body.quality:
        raise Unprocessable("VALIDATION_FAILED", "An offer on a tested lot takes the lot's quality values",
                            {"fields": [{"field": "quality", "rule": "lot_quality",
                                         "message": "Leave quality out when naming a lotId"}]})
    # The offer's place for the match score's location tier (422 STATION_NOT_FOUND for an unknown station).
    place = place_of_station(body.station_id) if body.station_id else {}

    def work(uow: Any) -> dict[str, Any]:
        snapshot = uow.get(trade_ref(body.trade_id))
        if not snapshot.exists:
            raise not_found()
        trade = {"id": body.trade_id, **(snapshot.to_dict() or {})}
        maker = trading_partner(uow, acting.partner_id)
        if maker is None:
            raise NotFound("PARTNER_NOT_FOUND", "No such partner")
        if trade.get("status") not in states.TRADE_OPEN:
            if trade.get("ownerPartnerId") != acting.partner_id and trade.get("status") == states.DRAFT:
                raise not_found()
            raise Conflict("TRADE_CLOSED", f"The request is {trade.get('status')}", {"status": trade.get("status")})
        owner = trading_partner(uow, trade["ownerPartnerId"]) or {}
        rules.check_self_trade(trade["ownerPartnerId"], owner, acting.partner_id, maker)
        if trade.get("side") not in MARKET_SIDES.get(maker.get("kind") or "", ()):
            raise Unprocessable("SIDE_NOT_ALLOWED", f"A {maker.get('kind')} partner cannot answer a "
                                f"{trade.get('side')} request", {"kind": maker.get("kind"), "side": trade.get("side")})
        ensure_can_trade(acting.partner_id, partner=maker)
        rules.check_certificates(trade.get("certificates") or [], held_certifications(uow, acting.partner_id),
                                 clock.today_india())
        template = template_of(trade["commodityId"])
        side = rules.offer_side(trade["side"])
        lot_place = None
        if body.lot_id is not None:
            if side != "SELL":
                raise Unprocessable("LOT_NOT_ALLOWED", "Only a seller's offer on a BUY request may name a tested lot",
                                    {"fields": [{"field": "lotId", "rule": "sell_offer_only",
                                                 "message": "A tested lot backs a seller's offer only"}]})
            lot = lots.offered_lot(uow, body.lot_id, acting.partner_id, trade.get("commodityId"),
                                   Decimal(quantity["kg"]), trade.get("varietyId"))
            if body.station_id and body.station_id != lot.get("stationId"):
                raise Unprocessable("VALIDATION_FAILED", "An offer on a tested lot is at the lot's station",
                                    {"fields": [{"field": "stationId", "rule": "lot_station",
                                                 "message": f"The lot is at {lot.get('stationId')}"}]})
            quality = {key: Decimal(str(value)) for key, value in (lot.get("hvi") or {}).items()}
            lot_place = lot.get("location") or {"stationId": lot.get("stationId")}
        else:
            quality = rules.check_values(body.quality, template.get("qualityParameters") or [])
        offer_place = lot_place if lot_place is not None else place
        rules.fill(Decimal(trade["openKg"]), Decimal(quantity["kg"]))
        keys.claim(uow, trade["id"], acting.partner_id, offer_id)
        now = clock.now()
        valid_until = now + timedelta(hours=body.validity_hours)
        terms = {"price": str(body.price), "priceUnit": body.price_unit.value, "quantity": quantity,
                 "validUntil": valid_until, "message": body.message}
        prefix = "Seller" if side == "SELL" else "Buyer"
        doc = stamp_new({
            "tradeId": trade["id"], "tradeNumber": trade.get("number"), "orgId": trade.get("orgId"),
            "side": side, "status": states.PENDING, "negotiationVersion": 1,
            "turn": rules.whose_turn(rules.MAKER), "ownerPartnerId": trade["ownerPartnerId"],
            "makerPartnerId": acting.partner_id, "makerUserId": acting.user_id,
            "makerHandle": handle(trade.get("ownerHandleSecret") or trade["id"], trade["id"], acting.partner_id,
                                  prefix=prefix),
            "quantity": quantity, "quality": {k: str(v) for k, v in quality.items()},
            "stationId": offer_place.get("stationId") or body.station_id, "location": offer_place or None,
            "lotId": body.lot_id, "terms": terms, "validUntil": valid_until}, acting.user_id)
        doc.update(offer_score.fields_for(trade, template, doc))
        uow.create(offer_ref(offer_id), doc)
        uow.create(offer_ref(offer_id).collection(negotiation.VERSIONS).document("1"),
                   negotiation.version_doc(1, rules.MAKER, terms, acting.user_id))
        if trade["status"] == states.POSTED:
            from shared.db import stamp_update

            # Stamped by the system: the request's owner must not read the maker's user id in updatedBy.
            uow.update(trade_ref(trade["id"]), stamp_update({"status": states.NEGOTIATING}, SYSTEM.user_id,
                                                            int(trade.get("version", 1))))
            uow.audit("trade.negotiate", "trade", trade["id"], before={"status": trade["status"]},
                      after={"status": states.NEGOTIATING, "offerId": offer_id}, orgId=trade.get("orgId"))
        expiry.schedule_offer_timers(uow, offer_id, 1, valid_until)
        uow.audit("offer.create", "offer", offer_id, after={"status": states.PENDING, "tradeId": trade["id"],
                                                            "lotId": body.lot_id,
                                                            "matchScore": doc["matchScore"]["total"]},
                  orgId=trade.get("orgId"))
        uow.emit(OfferReceived(offer_id=offer_id, trade_id=trade["id"], recipient_partner_id=trade["ownerPartnerId"],
                               trade_number=trade.get("number")), subject=offer_id)
        return {"id": offer_id, **doc}

    return keys.run_claiming(work, actor)


def counter(principal: Principal, offer_id: str, body: Any, actor: Any) -> dict[str, Any]:
    acting = acting_partner(principal, body.partner_id)
    changes: dict[str, Any] = {}
    if body.price is not None:
        changes["price"] = str(body.price)
    if body.price_unit is not None:
        changes["priceUnit"] = body.price_unit.value
    if body.quantity is not None:
        changes["quantity"] = _quantity(body.quantity)
    if body.validity_hours is not None:
        changes["validUntil"] = clock.now() + timedelta(hours=body.validity_hours)
    if body.message is not None:
        changes["message"] = body.message
    if not changes:
        raise Unprocessable("VALIDATION_FAILED", "A counter changes at least one term",
                            {"fields": [{"field": "price", "rule": "required",
                                         "message": "Give a price, quantity, validity or message"}]})
    return negotiation.counter(offer_id, body.version, acting.partner_id, changes, actor)


def accept(principal: Principal, offer_id: str, body: Any, actor: Any) -> dict[str, Any]:
    acting = acting_partner(principal, body.partner_id)
    return acceptance.accept(offer_id, body.version, acting.partner_id, actor)


def reject(principal: Principal, offer_id: str, body: Any, actor: Any) -> dict[str, Any]:
    acting = acting_partner(principal, body.partner_id)
    return negotiation.reject(offer_id, body.version, acting.partner_id, body.reason, actor)


def withdraw(principal: Principal, offer_id: str, body: Any, actor: Any) -> dict[str, Any]:
    acting = acting_partner(principal, body.partner_id)
    return negotiation.withdraw(offer_id, acting.partner_id, actor)


def viewer_for_offer(principal: Principal, offer: dict[str, Any]) -> Viewer:
    viewer = viewer_of(principal)
    if not viewer.back_office:
        acceptance.party_of(offer, viewer.partner_id)
    return viewer


def get(principal: Principal, offer_id: str) -> dict[str, Any]:
    snapshot = offer_ref(offer_id).get()
    if not snapshot.exists:
        raise NotFound("OFFER_NOT_FOUND", "No such offer")
    offer = {"id": offer_id, **(snapshot.to_dict() or {})}
    return present(viewer_for_offer(principal, offer), offer)


def of_trade(principal: Principal, trade_id: str, page_size: int, token: str | None
             ) -> tuple[list[dict[str, Any]], str | None]:
    """The owner (and back office) sees every offer on its request; a maker only its own."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection
    from shared.http.pagination import page

    snapshot = trade_ref(trade_id).get()
    if not snapshot.exists:
        raise not_found()
    trade = snapshot.to_dict() or {}
    viewer = viewer_of(principal)
    query = collection(OFFERS).where(filter=FieldFilter("tradeId", "==", trade_id))
    if not viewer.back_office and trade.get("ownerPartnerId") != viewer.partner_id:
        query = query.where(filter=FieldFilter("makerPartnerId", "==", viewer.partner_id))
    snapshots, next_token = page(query, [("createdAt", "ASCENDING")], page_size, token)
    if not snapshots and not viewer.back_office and trade.get("ownerPartnerId") != viewer.partner_id:
        raise not_found()
    return [present(viewer, {"id": s.id, **(s.to_dict() or {})}) for s in snapshots], next_token


def history(principal: Principal, offer_id: str) -> list[dict[str, Any]]:
    return negotiation.history(offer_id, viewer_of(principal))

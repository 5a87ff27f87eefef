"""Alternating counter-offers, reject and withdraw, and the negotiation history (DOMAIN.md "Trade desk").

A counter (price, quantity, validity, message) is a new version n+1 of the offer's terms, written
append-only to `offers/{id}/versions/{n}` with the party that made it, passes the turn to the other
party and sets the new version's expiry timers (the old version's go stale). Only the party whose turn
it is may counter, accept or reject (409 NOT_YOUR_TURN), naming the version it answers (409
STALE_VERSION); the maker may withdraw a live offer at any time. Version 1 is written when the offer
is made. Stored terms: `terms` {price (rupees, string), priceUnit, quantity
{value, unit, kg}, validUntil, message}.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from functions.tradedesk import expiry, keys, lots, offer_score, rules, states
from functions.tradedesk.acceptance import answerable, load_offer, offer_ref, party_of, trade_ref
from functions.tradedesk.anonymity import Viewer, version_for
from functions.tradedesk.events import OfferCountered, OfferRejected, OfferWithdrawn
from functions.tradedesk.trades import template_of
from shared import clock
from shared.db import stamp_update
from shared.errors import Forbidden, NotFound
from shared.uow import run_in_transaction

VERSIONS = "versions"
SCORED_TERMS = frozenset({"price", "priceUnit", "quantity"})   # a counter changing one re-scores the offer


def _other(party: str) -> str:
    return rules.MAKER if party == rules.OWNER else rules.OWNER


def _partner_of(offer: dict[str, Any], party: str) -> str:
    return offer["ownerPartnerId"] if party == rules.OWNER else offer["makerPartnerId"]


def version_doc(number: int, party: str, terms: dict[str, Any], actor_id: str | None,
                changes: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"version": number, "party": party, "terms": terms, "changes": changes or {}, "createdBy": actor_id,
            "createdAt": clock.now()}


def counter(offer_id: str, expected_version: int, partner_id: str, changes: dict[str, Any], actor: Any
            ) -> dict[str, Any]:
    """Counter with `changes` (any of price, priceUnit, quantity, validUntil, message)."""
    def work(uow: Any) -> dict[str, Any]:
        offer, party = answerable(uow, offer_id, partner_id, expected_version)
        terms = {**(offer.get("terms") or {}), **changes}
        rescored: dict[str, Any] = {}
        if SCORED_TERMS & set(changes):
            trade = uow.get(trade_ref(offer["tradeId"])).to_dict() or {}
            if "quantity" in changes:
                kg = Decimal(changes["quantity"]["kg"])
                rules.fill(Decimal(trade["openKg"]), kg)   # <= open, positive
                if offer.get("lotId"):
                    lots.offered_lot(uow, offer["lotId"], offer["makerPartnerId"], trade.get("commodityId"), kg,
                                     trade.get("varietyId"))
            if trade.get("commodityId"):
                rescored = offer_score.fields_for(trade, template_of(trade["commodityId"]), {**offer, "terms": terms})
        number = int(offer["negotiationVersion"]) + 1
        actor_id = getattr(actor, "user_id", None)
        diff = {key: {"from": (offer.get("terms") or {}).get(key), "to": value} for key, value in changes.items()
                if (offer.get("terms") or {}).get(key) != value}
        uow.create(offer_ref(offer_id).collection(VERSIONS).document(str(number)),
                   version_doc(number, party, terms, actor_id, diff))
        update = stamp_update({"status": states.COUNTERED, "negotiationVersion": number, "turn": _other(party),
                               "terms": terms, "validUntil": terms.get("validUntil", offer.get("validUntil")),
                               "quantity": terms.get("quantity", offer.get("quantity")), **rescored},
                              actor_id, int(offer.get("version", 1)))
        uow.update(offer_ref(offer_id), update)
        expiry.schedule_offer_timers(uow, offer_id, number, update["validUntil"])
        uow.audit("offer.counter", "offer", offer_id,
                  before={"status": offer["status"], "negotiationVersion": number - 1},
                  after={"status": states.COUNTERED, "negotiationVersion": number, "changes": sorted(diff),
                         **({"matchScore": rescored["matchScore"]["total"]} if rescored else {})},
                  orgId=offer.get("orgId"))
        uow.emit(OfferCountered(offer_id=offer_id, trade_id=offer["tradeId"],
                                recipient_partner_id=_partner_of(offer, _other(party))), subject=offer_id)
        return {**offer, **update}

    return run_in_transaction(work, actor)


def reject(offer_id: str, expected_version: int, partner_id: str, reason: str | None, actor: Any) -> dict[str, Any]:
    """The party whose turn it is turns the offer down; the counterparty may offer again."""
    def work(uow: Any) -> dict[str, Any]:
        offer, party = answerable(uow, offer_id, partner_id, expected_version, check_validity=False)
        actor_id = getattr(actor, "user_id", None)
        update = stamp_update({"status": states.REJECTED, "rejectedAt": clock.now(), "rejectionReason": reason,
                               "turn": None}, actor_id, int(offer.get("version", 1)))
        uow.update(offer_ref(offer_id), update)
        keys.release(uow, offer["tradeId"], offer["makerPartnerId"])
        uow.audit("offer.reject", "offer", offer_id, before={"status": offer["status"]},
                  after={"status": states.REJECTED, "reason": reason}, orgId=offer.get("orgId"))
        uow.emit(OfferRejected(offer_id=offer_id, trade_id=offer["tradeId"],
                               recipient_partner_id=_partner_of(offer, _other(party))), subject=offer_id)
        return {**offer, **update}

    return run_in_transaction(work, actor)


def withdraw(offer_id: str, partner_id: str, actor: Any) -> dict[str, Any]:
    """The maker takes back a live offer (whoever's turn it is)."""
    def work(uow: Any) -> dict[str, Any]:
        offer = load_offer(uow, offer_id)
        if party_of(offer, partner_id) != rules.MAKER:
            raise Forbidden("NOT_OFFER_MAKER", "Only the partner that made an offer can withdraw it")
        rules.check_live(offer["status"])
        actor_id = getattr(actor, "user_id", None)
        update = stamp_update({"status": states.WITHDRAWN, "withdrawnAt": clock.now(), "turn": None},
                              actor_id, int(offer.get("version", 1)))
        uow.update(offer_ref(offer_id), update)
        keys.release(uow, offer["tradeId"], offer["makerPartnerId"])
        uow.audit("offer.withdraw", "offer", offer_id, before={"status": offer["status"]},
                  after={"status": states.WITHDRAWN}, orgId=offer.get("orgId"))
        uow.emit(OfferWithdrawn(offer_id=offer_id, trade_id=offer["tradeId"],
                                recipient_partner_id=offer["ownerPartnerId"], trade_number=offer.get("tradeNumber")),
                 subject=offer_id)
        return {**offer, **update}

    return run_in_transaction(work, actor)


def history(offer_id: str, viewer: Viewer) -> list[dict[str, Any]]:
    """Every version, oldest first, as `viewer` may see it (404 for a partner that is not a party)."""
    snapshot = offer_ref(offer_id).get()
    if not snapshot.exists:
        raise NotFound("OFFER_NOT_FOUND", "No such offer")
    offer = {"id": offer_id, **(snapshot.to_dict() or {})}
    if not viewer.back_office:
        party_of(offer, viewer.partner_id)
    versions = [s.to_dict() or {} for s in offer_ref(offer_id).collection(VERSIONS).stream()]
    return [version_for(viewer, v, offer) for v in sorted(versions, key=lambda v: v["version"])]

"""Expiry of offers and requests: the timer handlers and the sweep backstop (DOMAIN.md "Trade desk").

Handlers follow the kernel's timer signature `handler(uow, entity_id, version, payload) -> dict`
(shared/timers.py runs them in the transaction that records the timer as processed): the timer is named
by entity and version (an offer's negotiation version, a request's `validityVersion`, one up whenever its
validUntil is set), so a new validity makes the old timer stale. Each handler re-reads the record in the
unit of work and does nothing unless it is still open and at the version the timer was set for: an
ACCEPTED, REJECTED or WITHDRAWN offer, or an AGREED or CANCELLED request, never becomes EXPIRED. Each
expiry writes an audit entry and an event (OfferExpired with its reason, TradeExpired).
`schedule_offer_timers` sets an offer version's timers, `schedule_trade_timer` a request validity's;
`sweep` expires whatever a lost timer left open past its validity (or that never had one), and reports
what it did.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from functions.tradedesk import keys, rules, states
from functions.tradedesk.acceptance import OFFERS, TRADES, offer_ref, trade_ref
from functions.tradedesk.events import OfferExpired, OfferExpiring, TradeExpired
from shared import clock
from shared.auth.principal import SYSTEM
from shared.db import collection, stamp_update
from shared.uow import run_in_transaction

WARNING_BEFORE_SECONDS = 3600
VALIDITY_ENDED, REQUEST_EXPIRED = "VALIDITY_ENDED", "REQUEST_EXPIRED"    # an expired offer's expiryReason


def expire_offer(uow: Any, offer_id: str, version: int, payload: Any = None) -> dict[str, Any]:
    snapshot = uow.get(offer_ref(offer_id))
    offer = snapshot.to_dict() if snapshot.exists else None
    if offer is None:
        return {"expired": False, "reason": "missing"}
    if offer["status"] not in states.OFFER_LIVE:
        return {"expired": False, "reason": f"status {offer['status']}"}
    if int(offer.get("negotiationVersion", 0)) != int(version):
        return {"expired": False, "reason": "stale version"}
    if offer.get("validUntil") is not None and clock.now() < offer["validUntil"]:
        return {"expired": False, "reason": "still valid"}
    _expire_offer(uow, offer_ref(offer_id), offer_id, offer, VALIDITY_ENDED, _waiting_party(offer))
    return {"expired": True}


def _waiting_party(offer: dict[str, Any]) -> str:
    """The partner waiting for an answer when an offer lapses: the one whose turn it is not."""
    return offer["makerPartnerId"] if offer.get("turn") == rules.OWNER else offer["ownerPartnerId"]


def _expire_offer(uow: Any, ref: Any, offer_id: str, offer: dict[str, Any], reason: str, recipient: str) -> None:
    """A live offer becomes EXPIRED with `reason`: its key released, an audit entry, OfferExpired to `recipient`."""
    uow.update(ref, stamp_update({"status": states.EXPIRED, "expiredAt": clock.now(), "expiryReason": reason,
                                  "turn": None}, SYSTEM.user_id, int(offer.get("version", 1))))
    keys.release(uow, offer["tradeId"], offer["makerPartnerId"])
    uow.audit("offer.expire", "offer", offer_id, before={"status": offer["status"]},
              after={"status": states.EXPIRED, "reason": reason}, orgId=offer.get("orgId"))
    uow.emit(OfferExpired(offer_id=offer_id, trade_id=offer["tradeId"], recipient_partner_id=recipient,
                          trade_number=offer.get("tradeNumber"), reason=reason), subject=offer_id)


def warn_offer_expiring(uow: Any, offer_id: str, version: int, payload: Any = None) -> dict[str, Any]:
    """OfferExpiring to the party whose turn it is, an hour before the offer lapses (same version only)."""
    snapshot = uow.get(offer_ref(offer_id))
    offer = snapshot.to_dict() if snapshot.exists else None
    if (offer is None or offer["status"] not in states.OFFER_LIVE
            or int(offer.get("negotiationVersion", 0)) != int(version)):
        return {"warned": False}
    recipient = offer["ownerPartnerId"] if offer.get("turn") == rules.OWNER else offer["makerPartnerId"]
    uow.emit(OfferExpiring(offer_id=offer_id, trade_id=offer["tradeId"], recipient_partner_id=recipient),
             subject=offer_id)
    return {"warned": True}


def expire_trade(uow: Any, trade_id: str, version: int, payload: Any = None) -> dict[str, Any]:
    """An open request past its validity becomes EXPIRED (TradeExpired to its owner); its live offers
    expire with it (REQUEST_EXPIRED, OfferExpired to each maker). `version` is the request's
    `validityVersion` the timer was set for: a timer of an older validity does nothing."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    snapshot = uow.get(trade_ref(trade_id))
    trade = snapshot.to_dict() if snapshot.exists else None
    if trade is None or trade["status"] not in states.TRADE_OPEN:
        return {"expired": False, "reason": "not open"}
    if int(trade.get("validityVersion") or 0) != int(version):
        return {"expired": False, "reason": "stale version"}
    if trade.get("validUntil") is not None and clock.now() < trade["validUntil"]:
        return {"expired": False, "reason": "still valid"}
    live = uow.query(collection(OFFERS).where(filter=FieldFilter("tradeId", "==", trade_id))
                     .where(filter=FieldFilter("status", "in", sorted(states.OFFER_LIVE))))
    uow.update(trade_ref(trade_id), stamp_update({"status": states.EXPIRED, "expiredAt": clock.now()},
                                                 SYSTEM.user_id, int(trade.get("version", 1))))
    for offer in live:
        data = {"tradeNumber": trade.get("number"), **(offer.to_dict() or {})}
        _expire_offer(uow, offer.reference, offer.id, data, REQUEST_EXPIRED, data["makerPartnerId"])
    uow.audit("trade.expire", "trade", trade_id, before={"status": trade["status"]},
              after={"status": states.EXPIRED, "offersExpired": len(live)}, orgId=trade.get("orgId"))
    uow.emit(TradeExpired(trade_id=trade_id, recipient_partner_id=trade.get("ownerPartnerId"),
                          trade_number=trade.get("number")), subject=trade_id)
    return {"expired": True, "offersExpired": len(live)}


def schedule_trade_timer(uow: Any, trade_id: str, validity_version: int, valid_until: Any) -> None:
    """The request's expiry timer at validUntil, named by request and validity version."""
    if isinstance(valid_until, datetime):
        uow.schedule_timer("trade-expiry", trade_id, validity_version, valid_until)


def new_validity(trade: dict[str, Any], valid_until: datetime) -> dict[str, Any]:
    """The fields of a request whose validUntil is (re)set: validityVersion one up, so the timer of the
    previous validity goes stale."""
    return {"validUntil": valid_until, "validityVersion": int(trade.get("validityVersion") or 0) + 1}


def schedule_offer_timers(uow: Any, offer_id: str, negotiation_version: int, valid_until: Any) -> None:
    """The timers of one offer version: expiry at validUntil and the warning an hour before (if still ahead)."""
    if not isinstance(valid_until, datetime):
        return
    uow.schedule_timer("offer-expiry", offer_id, negotiation_version, valid_until)
    warn_at = valid_until - timedelta(seconds=WARNING_BEFORE_SECONDS)
    if warn_at > clock.now():
        uow.schedule_timer("offer-expiring", offer_id, negotiation_version, warn_at)


def run_handler(handler: Callable[..., dict[str, Any]], entity_id: str, version: int) -> dict[str, Any]:
    """One handler in its own transaction (the sweep, outside any timer)."""
    return run_in_transaction(lambda uow: handler(uow, entity_id, version), SYSTEM)


def sweep(limit: int = 200) -> dict[str, Any]:
    """Backstop: expire live offers and open requests whose validUntil has passed (a lost timer)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    now = clock.now()
    report = {"offersExpired": 0, "tradesExpired": 0, "skipped": 0}

    def overdue(name: str, statuses: Iterable[str]) -> Iterator[Any]:
        for status in sorted(statuses):
            yield from (collection(name).where(filter=FieldFilter("status", "==", status))
                        .where(filter=FieldFilter("validUntil", "<=", now)).limit(limit).stream())

    for snapshot in overdue(OFFERS, states.OFFER_LIVE):
        result = run_handler(expire_offer, snapshot.id, int((snapshot.to_dict() or {}).get("negotiationVersion", 0)))
        report["offersExpired" if result["expired"] else "skipped"] += 1
    for snapshot in overdue(TRADES, states.TRADE_OPEN):
        result = run_handler(expire_trade, snapshot.id, int((snapshot.to_dict() or {}).get("validityVersion") or 0))
        report["tradesExpired" if result["expired"] else "skipped"] += 1
    return report

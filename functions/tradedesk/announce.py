"""TradePosted: a posted request is announced to the counterparties whose stock or availability fits it.

When a request is posted (TradeRequestPosted, from trades.post), the `on_trade_event` consumer
(functions/tradedesk/view_writer.py) calls `announce`:

1. Candidates, by the match score (functions/tradedesk/matching.py through matches.score_against):
   - a BUY request: the sellers with an AVAILABLE tested lot of its commodity (the lot's HVI values), and
     the owners of open SELL requests of its commodity (availabilities: each range's minimum, as the
     matches page scores them);
   - a SELL request: the owners of open BUY requests of its commodity, each scored as the buyer would
     score this availability (the buyer's ranges, price target, place and terms).
   An item fits when its quality score is at least QUALITY_THRESHOLD (75, the "Good" label's bound) and
   its terms are compatible (terms score 100). Price and place do not decide: a tested lot has no asking
   price, and cotton moves between states; they rank the fitting partners (by their best total score).
2. Counterparties: partners that may trade now (partners.public.can_trade), whose kind may answer the
   request's side (a SELLER or TRADER for a BUY request, a BUYER or TRADER for a SELL one), that are not
   the owner nor share its PAN or GSTIN (rules.check_self_trade): at most MAX_COUNTERPARTIES, best first.
3. In one transaction with the consumer's `processedEvents` marker: the audience is recorded in
   `tradeAudiences/{tradeId}` (server-only), each counterparty gets the anonymous market view of the
   request (`partnerViews/{partnerId}/trades/{tradeId}`, views.py), and one TradePosted event per
   counterparty goes to the outbox; the notifications fan-out tells that partner's users by their
   preferences. TradePosted carries the request's id and number and the recipient's own id only: no
   identity of the request's owner reaches a notification or a view.

Reads: the request, at most CANDIDATE_LIMIT lots and CANDIDATE_LIMIT open requests (indexes testedLots
commodityId+status and trades commodityId+side+status, functions/tradedesk/lot_indexes.py), the template
(cached) and the candidate partners in one batch.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from functions.tradedesk import matches, rules, states
from functions.tradedesk.acceptance import TRADES, trade_ref
from functions.tradedesk.events import TradePosted
from shared import clock
from shared.db import collection, get_all
from shared.errors import Conflict
from shared.events.consumer import DomainEvent, consume_once
from shared.logging import get_logger, log

CONSUMER = "tradedesk-announce"
MAX_COUNTERPARTIES = 50
CANDIDATE_LIMIT = 200
QUALITY_THRESHOLD = Decimal(75)
FULL = Decimal(100)
# Who may answer a request of each side (trades.MARKET_SIDES read the other way round).
ANSWERING_KINDS = {"BUY": frozenset({"SELLER", "TRADER"}), "SELL": frozenset({"BUYER", "TRADER"})}
LOTS = "testedLots"
logger = get_logger("tradedesk.announce")


def fits(breakdown: Mapping[str, Any]) -> bool:
    return Decimal(str(breakdown["quality"])) >= QUALITY_THRESHOLD and Decimal(str(breakdown["terms"])) == FULL


def _range_minimums(quality: Mapping[str, Any] | None) -> dict[str, Any]:
    return {key: (bounds or {}).get("min") for key, bounds in (quality or {}).items()}


def _terms(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {name: doc.get(name) for name in matches.TERM_FIELDS}


def scored_candidates(trade: Mapping[str, Any], lots: Iterable[Mapping[str, Any]],
                      requests: Iterable[Mapping[str, Any]], weights: Mapping[str, Any]) -> dict[str, Decimal]:
    """{partner id: its best total score} of the partners with a fitting lot or request (pure)."""
    owner = trade.get("ownerPartnerId")
    best: dict[str, Decimal] = {}

    def keep(partner_id: Any, breakdown: Mapping[str, Any]) -> None:
        if not partner_id or partner_id == owner or not fits(breakdown):
            return
        total = Decimal(str(breakdown["total"]))
        best[str(partner_id)] = max(total, best.get(str(partner_id), total))

    if trade.get("side") == "BUY":
        for lot in lots:
            keep(lot.get("partnerId"), matches.score_against(trade, weights, lot.get("hvi") or {}, lot.get("location"),
                                                             {}, None))
        for other in requests:
            if other.get("side") != "SELL" or other.get("id") == trade.get("id"):
                continue
            keep(other.get("ownerPartnerId"), matches.score_against(
                trade, weights, _range_minimums(other.get("quality")), other.get("location"), _terms(other),
                matches.per_kg(other.get("targetPrice"), other.get("priceUnit"))))
    elif trade.get("side") == "SELL":
        values = _range_minimums(trade.get("quality"))
        price = matches.per_kg(trade.get("targetPrice"), trade.get("priceUnit"))
        for other in requests:
            if other.get("side") != "BUY" or other.get("id") == trade.get("id"):
                continue
            keep(other.get("ownerPartnerId"), matches.score_against(other, weights, values, trade.get("location"),
                                                                    _terms(trade), price))
    return best


def choose(trade: Mapping[str, Any], owner: Mapping[str, Any] | None, scores: Mapping[str, Decimal],
           partners: Mapping[str, Mapping[str, Any] | None], limit: int = MAX_COUNTERPARTIES) -> list[str]:
    """The counterparties to tell, best score first (ties by id), at most `limit` (pure)."""
    from functions.partners.public import can_trade

    kinds = ANSWERING_KINDS.get(str(trade.get("side")), frozenset())
    chosen = []
    for partner_id in sorted(scores, key=lambda p: (-scores[p], p)):
        partner = partners.get(partner_id)
        if partner is None or partner.get("kind") not in kinds or not can_trade(dict(partner)):
            continue
        try:
            rules.check_self_trade(str(trade.get("ownerPartnerId")), owner or {}, partner_id, partner)
        except Conflict:
            continue
        chosen.append(partner_id)
        if len(chosen) >= limit:
            break
    return chosen


def _weights(commodity_id: str) -> dict[str, Any]:
    from functions.masters.public import commodity_in_force
    from shared.errors import NotFound

    try:
        template = commodity_in_force(commodity_id)
    except NotFound:
        return {}
    return {p["key"]: p.get("weight", 1) for p in template.get("qualityParameters") or []}


def counterparties(trade: Mapping[str, Any]) -> tuple[list[str], dict[str, Decimal]]:
    """Read the candidates of `trade` and choose its counterparties: (partner ids, their scores)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.partners.public import partner_ref

    commodity = trade.get("commodityId")
    other_side = {"BUY": "SELL", "SELL": "BUY"}.get(str(trade.get("side")))
    if not commodity or not other_side:
        return [], {}
    lots: list[dict[str, Any]] = []
    if trade.get("side") == "BUY":
        lots = [{"id": s.id, **(s.to_dict() or {})} for s in collection(LOTS)
                .where(filter=FieldFilter("commodityId", "==", commodity))
                .where(filter=FieldFilter("status", "==", states.AVAILABLE)).limit(CANDIDATE_LIMIT).stream()]
    requests = [{"id": s.id, **(s.to_dict() or {})} for s in collection(TRADES)
                .where(filter=FieldFilter("commodityId", "==", commodity))
                .where(filter=FieldFilter("side", "==", other_side))
                .where(filter=FieldFilter("status", "in", sorted(states.TRADE_OPEN))).limit(CANDIDATE_LIMIT).stream()]
    scores = scored_candidates(trade, lots, requests, _weights(str(commodity)))
    owner_id = str(trade.get("ownerPartnerId") or "")
    ids = sorted(set(scores) | ({owner_id} if owner_id else set()))
    found = get_all([partner_ref(p) for p in ids])
    partners = {}
    for partner_id in ids:
        snapshot = found.get(partner_ref(partner_id).path)
        partners[partner_id] = (snapshot.to_dict() or {}) if snapshot is not None and snapshot.exists else None
    return choose(trade, partners.get(owner_id), scores, partners), scores


def announce(event: DomainEvent) -> bool:
    """Tell the matching counterparties of the posted request of `event` (once per event)."""
    from functions.tradedesk.view_writer import audience_ref, refresh

    trade_id = str(event.data.get("tradeId") or "")
    snapshot = trade_ref(trade_id).get() if trade_id else None
    if snapshot is None or not snapshot.exists:
        return consume_once(CONSUMER, event, lambda uow: None)
    trade = {"id": trade_id, **(snapshot.to_dict() or {})}
    chosen, scores = counterparties(trade) if trade.get("status") in states.TRADE_OPEN else ([], {})
    told: list[str] = []

    def work(uow: Any) -> None:
        told.clear()                        # a retried transaction starts over
        current = uow.get(trade_ref(trade_id))
        if not current.exists or (current.to_dict() or {}).get("status") not in states.TRADE_OPEN:
            return                          # cancelled or expired before the announcement ran: nobody to tell
        recorded = uow.get(audience_ref(trade_id))
        before = list((recorded.to_dict() or {}).get("partnerIds") or []) if recorded.exists else []
        audience = before + [p for p in chosen if p not in before]
        refresh(uow, trade_id, audience=audience)
        uow.set(audience_ref(trade_id), {"tradeId": trade_id, "partnerIds": audience,
                                         "scores": {p: str(scores[p]) for p in chosen},
                                         "eventId": event.event_id, "announcedAt": clock.now()})
        for partner_id in chosen:
            if partner_id in before:
                continue
            uow.emit(TradePosted(trade_id=trade_id, recipient_partner_id=partner_id,
                                 trade_number=trade.get("number")), subject=trade_id)
            told.append(partner_id)

    acted = consume_once(CONSUMER, event, work)
    log(logger, logging.INFO, "trade announced", eventId=event.event_id, tradeId=trade_id, acted=acted,
        candidates=len(scores), told=len(told))
    return acted

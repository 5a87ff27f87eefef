"""GET /api/trades/{id}/matches: the tested lots and live availabilities that fit a request, ranked by
the match score (functions/tradedesk/matching.py) with its breakdown.

Only the request's owner and the back office ask. A BUY request is matched against AVAILABLE tested
lots of its commodity and open SELL requests (availabilities) of other partners; a SELL request has no
matches here (its counterparties come to it). Each item is anonymous: a handle stable per (request,
seller) like the offers' handles, never the seller's id, code or name. A tested lot has no asking price,
so its price score is the formula's "missing value": 0 when the request names a target, 100 without one.
Reads: the request, the template (cached), at most MATCH_LIMIT lots and MATCH_LIMIT availabilities.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from functions.tradedesk import matching, states
from functions.tradedesk.anonymity import handle
from shared.errors import NotFound
from shared.units import kg_per

MATCH_LIMIT = 100
TERM_FIELDS = matching.TERM_FIELDS


def per_kg(price: Any, unit: Any) -> Decimal | None:
    """A price per unit as a price per kg (None without a price or with an unknown unit)."""
    if price is None or not unit:
        return None
    try:
        return Decimal(str(price)) / kg_per(str(unit))
    except (KeyError, ValueError, ArithmeticError):
        return None


def score_against(trade: Mapping[str, Any], weights: Mapping[str, Any], values: Mapping[str, Any],
                  place: Mapping[str, Any] | None, terms: Mapping[str, Any], price_per_kg: Any) -> dict[str, Any]:
    result = matching.score(
        ranges=trade.get("quality") or {}, weights=weights, values=values, price_per_kg=price_per_kg,
        target_per_kg=per_kg(trade.get("targetPrice"), trade.get("priceUnit")),
        wanted_place=matching.Place.of(trade.get("location")), offered_place=matching.Place.of(place),
        wanted_terms={name: trade.get(name) for name in TERM_FIELDS}, offered_terms=terms)
    return result.breakdown()


def _weights(commodity_id: str) -> dict[str, Any]:
    from functions.masters.public import commodity_in_force

    try:
        template = commodity_in_force(commodity_id)
    except NotFound:
        return {}
    return {p["key"]: p.get("weight", 1) for p in template.get("qualityParameters") or []}


def rank(trade: Mapping[str, Any], lots: list[Mapping[str, Any]], availabilities: list[Mapping[str, Any]],
         weights: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items, best first (pure: the caller reads the documents)."""
    secret = trade.get("ownerHandleSecret") or trade["id"]
    items: list[dict[str, Any]] = []
    for lot in lots:
        seller = str(lot.get("partnerId"))
        if seller == trade.get("ownerPartnerId"):
            continue
        breakdown = score_against(trade, weights, lot.get("hvi") or {}, lot.get("location"), {}, None)
        items.append({"kind": "TESTED_LOT", "id": lot["id"], "sellerHandle": handle(secret, trade["id"], seller,
                                                                                     prefix="Seller"),
                      "varietyId": lot.get("varietyId"), "quality": lot.get("hvi") or {},
                      "location": lot.get("location") or {}, "availableKg": lot.get("availableKg"),
                      "price": None, "priceUnit": None, "lab": lot.get("lab"), "reportDate": lot.get("reportDate"),
                      "score": breakdown})
    for other in availabilities:
        seller = str(other.get("ownerPartnerId"))
        if seller == trade.get("ownerPartnerId") or other["id"] == trade["id"]:
            continue
        values = {key: bounds.get("min") for key, bounds in (other.get("quality") or {}).items()}
        breakdown = score_against(trade, weights, values, other.get("location"),
                                  {name: other.get(name) for name in TERM_FIELDS},
                                  per_kg(other.get("targetPrice"), other.get("priceUnit")))
        items.append({"kind": "AVAILABILITY", "id": other["id"], "sellerHandle": handle(secret, trade["id"], seller,
                                                                                         prefix="Seller"),
                      "varietyId": other.get("varietyId"), "quality": values, "location": other.get("location") or {},
                      "availableKg": other.get("openKg"), "price": other.get("targetPrice"),
                      "priceUnit": other.get("priceUnit"), "lab": None, "reportDate": None, "score": breakdown})
    items.sort(key=lambda item: (-item["score"]["total"], item["kind"], item["id"]))
    return items


def matches_for(user: Any, trade_id: str) -> list[dict[str, Any]]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.tradedesk.lots import LOTS
    from shared.db import collection

    snapshot = collection("trades").document(trade_id).get()
    trade = {"id": trade_id, **(snapshot.to_dict() or {})} if snapshot.exists else None
    if trade is None or not (user.is_back_office or trade.get("ownerPartnerId") == user.partner_id):
        raise NotFound("TRADE_NOT_FOUND", "No such trade request")
    if trade.get("side") != "BUY" or not trade.get("commodityId"):
        return []
    commodity = trade["commodityId"]
    lots = [{"id": s.id, **(s.to_dict() or {})} for s in collection(LOTS)
            .where(filter=FieldFilter("commodityId", "==", commodity))
            .where(filter=FieldFilter("status", "==", states.AVAILABLE)).limit(MATCH_LIMIT).stream()]
    availabilities = [{"id": s.id, **(s.to_dict() or {})} for s in collection("trades")
                      .where(filter=FieldFilter("commodityId", "==", commodity))
                      .where(filter=FieldFilter("side", "==", "SELL"))
                      .where(filter=FieldFilter("status", "in", sorted(states.TRADE_OPEN))).limit(MATCH_LIMIT).stream()]
    return rank(trade, lots, availabilities, _weights(commodity))

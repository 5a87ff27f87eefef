"""The match score stored with an offer (DOMAIN.md "Trade desk", Match score): matching.py's score of the
offer's terms against its request, written when the offer is made and again when a counter changes its
price or quantity.

Stored on `offers/{id}`:
- `matchScore` {total (number, 2 decimals), label}: a number so the desk can order offers by it
  (dashboard.desk_trades reads the best `matchScore.total` of a request);
- `matchBreakdown` {quality, price, location, terms (numbers, 2 decimals), parameters {key: number}}.
Both are the request owner's and the back office's to read (anonymity.OFFER_OWNER_ONLY).

What is scored: the offer's quality values (its tested lot's HVI values when it names one), its price
per kg against the request's target per kg, its station's place against the request's location, and
terms (an offer names none of the request's terms, so it takes the request's: 100).
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from functions.tradedesk import matches, matching


def weights_of(template: Mapping[str, Any]) -> dict[str, Any]:
    return {p["key"]: p.get("weight", 1) for p in template.get("qualityParameters") or []}


def result_for(trade: Mapping[str, Any], template: Mapping[str, Any], offer: Mapping[str, Any]) -> matching.MatchScore:
    """matching.py's score of a stored offer (quality, terms.price/priceUnit, location) against its request."""
    terms = offer.get("terms") or {}
    return matching.score(
        ranges=trade.get("quality") or {}, weights=weights_of(template), values=offer.get("quality") or {},
        price_per_kg=matches.per_kg(terms.get("price"), terms.get("priceUnit")),
        target_per_kg=matches.per_kg(trade.get("targetPrice"), trade.get("priceUnit")),
        wanted_place=matching.Place.of(trade.get("location")), offered_place=matching.Place.of(offer.get("location")),
        wanted_terms={name: trade.get(name) for name in matching.TERM_FIELDS}, offered_terms={})


def _number(value: Decimal) -> float:
    return float(value)


def stored_fields(result: matching.MatchScore) -> dict[str, Any]:
    """{matchScore, matchBreakdown} as written on the offer document."""
    breakdown = result.breakdown()
    return {
        "matchScore": {"total": _number(breakdown["total"]), "label": breakdown["label"]},
        "matchBreakdown": {**{name: _number(breakdown[name]) for name in ("quality", "price", "location", "terms")},
                           "parameters": {key: _number(v) for key, v in breakdown["parameters"].items()}},
    }


def fields_for(trade: Mapping[str, Any], template: Mapping[str, Any], offer: Mapping[str, Any]) -> dict[str, Any]:
    return stored_fields(result_for(trade, template, offer))

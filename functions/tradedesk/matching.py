"""Match score (0-100) of an offer or a tested lot against a trade request (DOMAIN.md "Trade desk").

Pure: no Firestore, no masters reads; the caller passes the request's ranges, the commodity's weights,
the offer's values, prices per kg and locations.

- quality: per requested parameter 100 inside [min, max], falling linearly to 0 at three range widths
  outside, 0 when the value is missing; weighted by the commodity's parameter weights. A request that
  asks for no parameter scores 100 (anything fits). A zero-width range (min == max) scores 0 outside.
- price: 100 - 100 × |price - target| / target, never below 0; 100 when the request has no target.
  Prices are compared per kg, so a target per candy and an offer per quintal compare correctly.
- location: same station 100, same region 85, same state 70, else 0; 100 when the request names no
  place (anything fits).
- terms: 100 when every term the request fixes (trade type, bargain type, delivery, payment, passing,
  weightment) is the offer's too (an offer that leaves a term open takes the request's), else 0.
- total = 0.45 quality + 0.35 price + 0.10 location + 0.10 terms, rounded to 2 decimals (half-up);
  labels from the rounded total: >= 90 Best, >= 75 Good, >= 60 Average, else Poor.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
ZERO = Decimal(0)
FALLOFF_WIDTHS = Decimal(3)
WEIGHTS = {"quality": Decimal("0.45"), "price": Decimal("0.35"), "location": Decimal("0.10"),
           "terms": Decimal("0.10")}
TERM_FIELDS = ("tradeType", "bargainType", "deliveryTerms", "paymentTerms", "passingTerms", "weightmentTerms")
STATION, REGION, STATE = Decimal(100), Decimal(85), Decimal(70)
_STEP = Decimal("0.01")


def _d(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _round(value: Decimal) -> Decimal:
    return value.quantize(_STEP, rounding=ROUND_HALF_UP)


def parameter_score(low: Any, high: Any, value: Any) -> Decimal:
    """100 inside [low, high]; linear to 0 at three range widths outside; 0 for a missing value."""
    lo, hi, v = _d(low), _d(high), _d(value)
    if v is None or lo is None or hi is None:
        return ZERO
    if lo <= v <= hi:
        return HUNDRED
    width = hi - lo
    if width <= 0:
        return ZERO
    distance = lo - v if v < lo else v - hi
    return max(ZERO, HUNDRED * (1 - distance / (FALLOFF_WIDTHS * width)))


def quality_score(ranges: Mapping[str, Mapping[str, Any]], weights: Mapping[str, Any],
                  values: Mapping[str, Any]) -> tuple[Decimal, dict[str, Decimal]]:
    """(weighted score, {parameter: score}) over the parameters the request asks for.

    A parameter the commodity gives no weight defaults to weight 1; weights summing to 0 fall back to
    the plain mean.
    """
    per: dict[str, Decimal] = {}
    for key, bounds in ranges.items():
        per[key] = parameter_score(bounds.get("min"), bounds.get("max"), values.get(key))
    if not per:
        return HUNDRED, per
    weight_of = {key: _d(weights.get(key, 1)) or ZERO for key in per}
    total_weight = sum(weight_of.values(), ZERO)
    if total_weight <= 0:
        return sum(per.values(), ZERO) / len(per), per
    return sum((weight_of[key] * score for key, score in per.items()), ZERO) / total_weight, per


def price_score(price_per_kg: Any, target_per_kg: Any) -> Decimal:
    """100 - 100 × |price - target| / target (never negative); 100 without a target."""
    target = _d(target_per_kg)
    if target is None or target <= 0:
        return HUNDRED
    price = _d(price_per_kg)
    if price is None:
        return ZERO
    return max(ZERO, HUNDRED - HUNDRED * abs(price - target) / target)


@dataclass(frozen=True)
class Place:
    station_id: str | None = None
    region_id: str | None = None
    state_code: str | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> Place:
        data = data or {}
        return cls(data.get("stationId"), data.get("regionId"), data.get("stateCode"))

    @property
    def empty(self) -> bool:
        return not (self.station_id or self.region_id or self.state_code)


def location_score(wanted: Place, offered: Place) -> Decimal:
    """Same station 100, same region 85, same state 70, else 0 (100 when the request names no place).

    The request may name a place at any level: a request for a region scores 85 for a station in it,
    one for a state 70 for any station of that state.
    """
    if wanted.empty:
        return HUNDRED
    if wanted.station_id and wanted.station_id == offered.station_id:
        return STATION
    if wanted.region_id and wanted.region_id == offered.region_id:
        return REGION
    if wanted.state_code and wanted.state_code == offered.state_code:
        return STATE
    return ZERO


def terms_score(wanted: Mapping[str, Any], offered: Mapping[str, Any]) -> Decimal:
    """100 when every term the request fixes is the offer's (or the offer leaves it open), else 0."""
    for name in TERM_FIELDS:
        want, have = wanted.get(name), offered.get(name)
        if want and have and want != have:
            return ZERO
    return HUNDRED


def label(total: Decimal) -> str:
    if total >= 90:
        return "Best"
    if total >= 75:
        return "Good"
    if total >= 60:
        return "Average"
    return "Poor"


@dataclass(frozen=True)
class MatchScore:
    total: Decimal
    label: str
    quality: Decimal
    price: Decimal
    location: Decimal
    terms: Decimal
    parameters: dict[str, Decimal] = field(default_factory=dict)

    def breakdown(self) -> dict[str, Any]:
        """The stored/answered form: numbers as Decimals rounded to 2 places."""
        return {"total": self.total, "label": self.label, "quality": _round(self.quality),
                "price": _round(self.price), "location": _round(self.location), "terms": _round(self.terms),
                "parameters": {key: _round(value) for key, value in self.parameters.items()}}


def score(*, ranges: Mapping[str, Mapping[str, Any]], weights: Mapping[str, Any], values: Mapping[str, Any],
          price_per_kg: Any, target_per_kg: Any, wanted_place: Place, offered_place: Place,
          wanted_terms: Mapping[str, Any], offered_terms: Mapping[str, Any]) -> MatchScore:
    quality, parameters = quality_score(ranges, weights, values)
    price = price_score(price_per_kg, target_per_kg)
    location = location_score(wanted_place, offered_place)
    terms = terms_score(wanted_terms, offered_terms)
    total = _round(WEIGHTS["quality"] * quality + WEIGHTS["price"] * price + WEIGHTS["location"] * location
                   + WEIGHTS["terms"] * terms)
    return MatchScore(total, label(total), quality, price, location, terms, parameters)

"""The trade desk's rules that need no I/O (DOMAIN.md "Trade desk"); the services call them inside their
unit of work with the documents they read, so each refusal happens before anything is written.

- `normalise_ranges`: quality ranges inside the commodity template's allowed min/max (422
  PARAMETERS_OUT_OF_RANGE naming each parameter); a one-sided range takes the template bound as its
  other side ("staple 29 and above" is 29 to 40), so a match score always has a width.
- `check_terms`: every chosen term is a code of the commodity's list (422 naming each field).
- `check_side`: BUYER posts BUY, SELLER posts SELL, TRADER both (422 SIDE_NOT_ALLOWED).
- `check_self_trade`: no offer on one's own request, nor between partners sharing a PAN or a GSTIN
  (409 SELF_TRADE).
- `check_certificates`: every required certificate held, verified and unexpired (422
  CERTIFICATE_MISMATCH naming what is missing).
- `whose_turn` / `check_turn`: the request owner answers a new offer; after each counter the turn passes
  to the other party (409 NOT_YOUR_TURN).
- `fill`: the open quantity after an acceptance, never below zero (409 QUANTITY_EXCEEDS_OPEN), and the
  request's next status (PARTIALLY_FILLED or AGREED).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from functions.tradedesk import states
from shared.errors import Conflict, Unprocessable

OWNER, MAKER = "OWNER", "MAKER"
SIDES_BY_KIND = {"BUYER": frozenset({"BUY"}), "SELLER": frozenset({"SELL"}), "TRADER": frozenset({"BUY", "SELL"})}
TERM_LISTS = {"tradeType": "tradeTypes", "bargainType": "bargainTypes", "deliveryTerms": "deliveryTerms",
              "paymentTerms": "paymentTerms", "passingTerms": "passingTerms", "weightmentTerms": "weightmentTerms"}


def _d(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value) if not isinstance(value, Decimal) else value


def _text(value: Decimal | None) -> str | None:
    """A Decimal for error details (JSON has no decimal type; a string keeps it exact)."""
    return None if value is None else str(value)


def normalise_ranges(ranges: Mapping[str, Mapping[str, Any]], parameters: Iterable[Mapping[str, Any]]
                     ) -> dict[str, dict[str, Decimal]]:
    """Ranges {key: {min, max}} checked against the template's parameters and made two-sided."""
    bounds = {p["key"]: (_d(p.get("min")), _d(p.get("max"))) for p in parameters}
    problems: list[dict[str, Any]] = []
    result: dict[str, dict[str, Decimal]] = {}
    for key, given in ranges.items():
        if key not in bounds:
            problems.append({"parameter": key, "rule": "unknown_parameter",
                             "message": f"{key} is not a quality parameter of this commodity"})
            continue
        low, high = bounds[key]
        want_min, want_max = _d(given.get("min")), _d(given.get("max"))
        if want_min is None and want_max is None:
            problems.append({"parameter": key, "rule": "empty_range", "message": f"{key} needs a min or a max"})
            continue
        want_min = low if want_min is None else want_min
        want_max = high if want_max is None else want_max
        if (low is not None and want_min < low) or (high is not None and want_max > high):
            problems.append({"parameter": key, "rule": "outside_allowed_range", "allowedMin": _text(low),
                             "allowedMax": _text(high), "min": _text(want_min), "max": _text(want_max),
                             "message": f"{key} must lie within {low}-{high}"})
            continue
        if want_min > want_max:
            problems.append({"parameter": key, "rule": "min_above_max", "min": _text(want_min),
                             "max": _text(want_max),
                             "message": f"{key}: min is above max"})
            continue
        result[key] = {"min": want_min, "max": want_max}
    if problems:
        raise Unprocessable("PARAMETERS_OUT_OF_RANGE",
                            "Quality outside the commodity's allowed values: "
                            + ", ".join(p["parameter"] for p in problems),
                            {"parameters": problems})
    return result


def check_values(values: Mapping[str, Any], parameters: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """Actual quality values (an offer's, a tested lot's HVI results) inside the template's bounds."""
    bounds = {p["key"]: (_d(p.get("min")), _d(p.get("max"))) for p in parameters}
    problems: list[dict[str, Any]] = []
    result: dict[str, Decimal] = {}
    for key, raw in values.items():
        value = _d(raw)
        if key not in bounds:
            problems.append({"parameter": key, "rule": "unknown_parameter",
                             "message": f"{key} is not a quality parameter of this commodity"})
            continue
        low, high = bounds[key]
        if value is None or (low is not None and value < low) or (high is not None and value > high):
            problems.append({"parameter": key, "rule": "outside_allowed_range", "allowedMin": _text(low),
                             "allowedMax": _text(high), "value": _text(value),
                             "message": f"{key} must lie within {low}-{high}"})
            continue
        result[key] = value
    if problems:
        raise Unprocessable("PARAMETERS_OUT_OF_RANGE",
                            "Quality outside the commodity's allowed values: "
                            + ", ".join(p["parameter"] for p in problems), {"parameters": problems})
    return result


def check_terms(chosen: Mapping[str, Any], template: Mapping[str, Any]) -> None:
    """422 VALIDATION_FAILED naming each term whose code is not in the commodity's list."""
    fields = []
    for name, list_name in TERM_LISTS.items():
        code = chosen.get(name)
        if code is None:
            continue
        codes = {item.get("code") for item in template.get(list_name) or []}
        if code not in codes:
            fields.append({"field": name, "rule": "not_in_commodity_list",
                           "message": f"{code} is not one of the commodity's {list_name}", "allowed": sorted(codes)})
    known_certificates = {item.get("code") for item in template.get("certificates") or []}
    for index, code in enumerate(chosen.get("certificates") or []):
        if code not in known_certificates:
            fields.append({"field": f"certificates.{index}", "rule": "not_in_commodity_list",
                           "message": f"{code} is not a certificate of this commodity",
                           "allowed": sorted(known_certificates)})
    if fields:
        raise Unprocessable("VALIDATION_FAILED", fields[0]["message"], {"fields": fields})


def check_side(kind: str | None, side: str) -> None:
    if side not in SIDES_BY_KIND.get(kind or "", frozenset()):
        raise Unprocessable("SIDE_NOT_ALLOWED", f"A {kind or 'partner'} partner cannot post a {side} request",
                            {"kind": kind, "side": side,
                             "allowed": sorted(SIDES_BY_KIND.get(kind or "", frozenset()))})


def offer_side(request_side: str) -> str:
    """The side an offer takes on a request: a BUY request gets SELL offers and vice versa."""
    return "SELL" if request_side == "BUY" else "BUY"


def _keys(partner: Mapping[str, Any]) -> set[str]:
    keys = {f"pan:{partner['pan']}"} if partner.get("pan") else set()
    return keys | {f"gstin:{g}" for g in partner.get("gstins") or [] if g}


def check_self_trade(owner_id: str, owner: Mapping[str, Any], maker_id: str, maker: Mapping[str, Any]) -> None:
    """409 SELF_TRADE for an offer on one's own request or between partners sharing a PAN or GSTIN."""
    if owner_id == maker_id:
        raise Conflict("SELF_TRADE", "A partner cannot make an offer on its own request", {"reason": "SAME_PARTNER"})
    if _keys(owner) & _keys(maker):
        # Which key matched is not said: it would tell the maker something about the request's owner.
        raise Conflict("SELF_TRADE", "Partners that share a PAN or a GSTIN cannot trade with each other",
                       {"reason": "SHARED_PAN_OR_GSTIN"})


def check_certificates(required: Iterable[str], held: Iterable[Mapping[str, Any]], today: date) -> None:
    """422 CERTIFICATE_MISMATCH unless each required type is held, verified and not expired today."""
    valid = set()
    for cert in held:
        expiry = cert.get("expiryDate")
        expiry_date = date.fromisoformat(str(expiry)) if expiry and not isinstance(expiry, date) else expiry
        if cert.get("status") == "VERIFIED" and not cert.get("deletedAt") and expiry_date and expiry_date >= today:
            valid.add(str(cert.get("type", "")).upper())
    missing = sorted({str(code).upper() for code in required} - valid)
    if missing:
        raise Unprocessable("CERTIFICATE_MISMATCH",
                            "Required certificates not held, verified and in force: " + ", ".join(missing),
                            {"missing": missing})


def whose_turn(last_party: str | None) -> str:
    """The party that acts next: the owner answers a new offer (last_party MAKER), then turns alternate."""
    return OWNER if last_party in (None, MAKER) else MAKER


def check_turn(turn: str, acting_party: str) -> None:
    if turn != acting_party:
        raise Conflict("NOT_YOUR_TURN", "The other party must answer this offer first",
                       {"turn": turn, "you": acting_party})


def check_live(status: str) -> None:
    if status not in states.OFFER_LIVE:
        raise Conflict("OFFER_CLOSED", f"This offer is {status}", {"status": status})


def check_not_expired(valid_until: Any, now: Any) -> None:
    """409 OFFER_EXPIRED once validUntil has passed, whether or not its timer has fired."""
    if valid_until is not None and now >= valid_until:
        raise Conflict("OFFER_EXPIRED", "This offer's validity has ended", {"validUntil": str(valid_until)})


def fill(open_kg: Decimal, accepted_kg: Decimal) -> tuple[Decimal, str]:
    """(open kg left, the request's status) after accepting `accepted_kg`; never below zero."""
    if accepted_kg <= 0:
        raise Unprocessable("VALIDATION_FAILED", "The accepted quantity must be positive",
                            {"fields": [{"field": "quantity", "rule": "positive", "message": "Must be positive"}]})
    if accepted_kg > open_kg:
        raise Conflict("QUANTITY_EXCEEDS_OPEN", "The offer's quantity is more than the request has open",
                       {"openKg": str(open_kg), "offerKg": str(accepted_kg)})
    left = open_kg - accepted_kg
    return left, states.AGREED if left == 0 else states.PARTIALLY_FILLED

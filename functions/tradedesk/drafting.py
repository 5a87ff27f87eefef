"""From a parsed chat message to the fields of a DRAFT trade request (POST /api/trades/from-message).

Pure: the parser's answer (ParseResponse as a camelCase dict, with master ids) and the commodity's
template in, the draft's fields and the list of required fields still missing out. Payment and delivery
days map to the commodity's term with exactly those days (none when zero or several terms have them,
so the user chooses); a bargain type is kept only when the commodity offers it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.reference_data import state_by_name

REQUIRED_TO_POST = ("side", "commodityId", "quantity", "location", "tradeType", "bargainType", "deliveryTerms",
                    "paymentTerms")


def _term_with_days(template: Mapping[str, Any], list_name: str, days: int | None) -> str | None:
    if days is None:
        return None
    codes = [item["code"] for item in template.get(list_name) or [] if item.get("days") == days]
    return codes[0] if len(codes) == 1 else None


def draft_from_parse(parsed: Mapping[str, Any], template: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
    """(draft fields, missing required fields) of a DRAFT request built from one parsed message."""
    template = template or {}
    draft: dict[str, Any] = {"side": parsed.get("side"), "commodityId": parsed.get("commodityId"),
                             "varietyId": parsed.get("varietyId")}
    quantity = parsed.get("quantity")
    if quantity:
        draft["quantity"] = {"value": quantity["value"], "unit": quantity["unit"]}
    quality = {key: {k: v for k, v in (bounds or {}).items() if v is not None}
               for key, bounds in (parsed.get("quality") or {}).items()}
    draft["quality"] = {key: bounds for key, bounds in quality.items() if bounds}
    price = parsed.get("price")
    if price:
        draft["targetPrice"] = price["amount"]
        draft["priceUnit"] = price["unit"]
    location = parsed.get("location") or {}
    place: dict[str, Any] = {}
    if parsed.get("stationId"):
        place["stationId"] = parsed["stationId"]
    state = state_by_name(location.get("state") or "") if location.get("state") else None
    if state is not None:
        place["stateCode"] = state.gst_code
    if place:
        draft["location"] = place
    bargain = parsed.get("bargainType")
    if bargain and bargain in {item.get("code") for item in template.get("bargainTypes") or []}:
        draft["bargainType"] = bargain
    payment = _term_with_days(template, "paymentTerms", parsed.get("paymentDays"))
    if payment:
        draft["paymentTerms"] = payment
    delivery = _term_with_days(template, "deliveryTerms", parsed.get("deliveryDays"))
    if delivery:
        draft["deliveryTerms"] = delivery
    draft = {key: value for key, value in draft.items() if value not in (None, {}, [])} | {
        "quality": draft["quality"]}
    missing = [name for name in REQUIRED_TO_POST if not draft.get(name)]
    return draft, missing

"""What a contract copies from the masters, and its amounts: pure functions over plain dicts.

A contract copies the commodity version in force (HSN, GST rate, the chosen variety, the chosen
trade/bargain/passing/weightment/delivery/payment terms with their days, the quality parameters it
specifies) and the commission structure in force, so a later master change never alters it.
Amounts go through shared.money (integer paise) and shared.units: never a float.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.errors import Unprocessable
from shared.money import Money
from shared.units import Quantity, Unit, kg_per

# contract field → the commodity's list of options it is chosen from
TERM_LISTS = {
    "tradeType": "tradeTypes",
    "bargainType": "bargainTypes",
    "passingTerms": "passingTerms",
    "weightmentTerms": "weightmentTerms",
    "deliveryTerms": "deliveryTerms",
    "paymentTerms": "paymentTerms",
}


def _bad(field: str, rule: str, message: str, code: str = "VALIDATION_FAILED", **details: Any) -> Unprocessable:
    return Unprocessable(code, message, {"fields": [{"field": field, "rule": rule, "message": message}], **details})


def decimal_of(value: Any) -> Decimal:
    """A stored number (masters keep ratios as floats) as the Decimal of its shortest text."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def pick_terms(commodity: dict[str, Any], chosen: dict[str, str | None]) -> dict[str, Any]:
    """{field: the commodity's option (code, label, days...)} for each chosen code; 422 UNKNOWN_TERM for a
    code the commodity does not offer."""
    out: dict[str, Any] = {}
    for field, list_name in TERM_LISTS.items():
        code = chosen.get(field)
        if not code:
            out[field] = None
            continue
        options = {option.get("code"): option for option in commodity.get(list_name) or []}
        if code not in options:
            raise _bad(field, "unknown_term", f"{commodity.get('code')} has no {field} {code}", "UNKNOWN_TERM",
                       allowed=sorted(str(c) for c in options))
        option = options[code]
        out[field] = {k: option.get(k) for k in ("code", "label", "days", "description") if option.get(k) is not None}
    return out


def pick_variety(commodity: dict[str, Any], code: str | None) -> dict[str, Any] | None:
    if not code:
        return None
    for variety in commodity.get("varieties") or []:
        if variety.get("code") == code:
            return {"code": code, "name": variety.get("name")}
    raise _bad("variety", "unknown_variety", f"{commodity.get('code')} has no variety {code}", "UNKNOWN_VARIETY")


def quality_specs(commodity: dict[str, Any], specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The specified ranges with each parameter's label and unit copied; a key the commodity does not have,
    min above max, or a bound outside the parameter's allowed range is 422 (PARAMETERS_OUT_OF_RANGE)."""
    params = {p.get("key"): p for p in commodity.get("qualityParameters") or []}
    out, bad = [], []
    for index, spec in enumerate(specs):
        key = spec["key"]
        param = params.get(key)
        if param is None:
            raise _bad(f"qualitySpecs[{index}].key", "unknown_parameter", f"{commodity.get('code')} has no "
                       f"quality parameter {key}", "UNKNOWN_PARAMETER")
        low, high = decimal_of(param.get("min")), decimal_of(param.get("max"))
        spec_min, spec_max = spec.get("min"), spec.get("max")
        for bound, value in (("min", spec_min), ("max", spec_max)):
            if value is not None and not low <= value <= high:
                bad.append({"field": f"qualitySpecs[{index}].{bound}", "rule": "out_of_range",
                            "message": f"{key} must be within {low}-{high}"})
        if spec_min is not None and spec_max is not None and spec_min > spec_max:
            bad.append({"field": f"qualitySpecs[{index}]", "rule": "min_above_max", "message": "min is above max"})
        out.append({"key": key, "label": param.get("label") or key, "unit": param.get("unit"),
                    "min": None if spec_min is None else str(spec_min),
                    "max": None if spec_max is None else str(spec_max)})
    if bad:
        raise Unprocessable("PARAMETERS_OUT_OF_RANGE", "Quality specifications outside the allowed ranges",
                            {"fields": bad})
    return out


def contract_value(quantity: Quantity, rate: Money, rate_unit: Unit, *, candy_kg: Decimal | None = None) -> Money:
    """rate × quantity in the rate's unit, rounded once, half-up to the paisa: the quantity goes through
    its exact kg (a quantity first rounded to 4 decimals of candy would move the value by rupees)."""
    if quantity.unit == rate_unit:
        return rate.times(quantity.value)
    return rate.times(quantity.kg / kg_per(rate_unit, candy_kg=candy_kg))


def gst_on(value: Money, rate_percent: Decimal) -> Money:
    return value.percent(rate_percent)


def commission_side(side: dict[str, Any] | None, value: Money, quantity: Quantity, gst_percent: Decimal
                    ) -> dict[str, Any] | None:
    """One side's brokerage: {basis, percent | ratePaise, amountPaise, gstPercent, gstPaise}."""
    if not side:
        return None
    if side.get("basis") == "PER_BALE":
        per_bale = Money.from_paise(int(side.get("amountPaise") or 0))
        bales = quantity.to(Unit.BALE).value if quantity.unit != Unit.BALE else quantity.value
        amount = per_bale.times(bales)
        basis = {"basis": "PER_BALE", "ratePaise": per_bale.paise}
    else:
        percent = decimal_of(side.get("percent") or 0)
        amount = value.percent(percent)
        basis = {"basis": "PERCENTAGE", "percent": str(percent)}
    gst = amount.percent(gst_percent)
    return {**basis, "amountPaise": amount.paise, "gstPercent": str(gst_percent), "gstPaise": gst.paise}


def commissions(structure: dict[str, Any] | None, value: Money, quantity: Quantity, gst_percent: Decimal
                ) -> dict[str, Any] | None:
    """The brokerage of both sides from a commission structure version (None without a structure)."""
    if not structure:
        return None
    return {"structureId": structure.get("id"), "structureCode": structure.get("code"),
            "structureVersion": structure.get("version"), "sacCode": structure.get("sacCode"),
            "buyer": commission_side(structure.get("buyerSide"), value, quantity, gst_percent),
            "seller": commission_side(structure.get("sellerSide"), value, quantity, gst_percent)}

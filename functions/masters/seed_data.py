"""The masters seed content: pure data built from shared/reference_data and domain/cotton.md.

Quality parameter keys follow the trade-message conventions (stapleMm, micronaire, strengthGpt,
trashPct, moisturePct, rd, plusB) so a parsed message maps onto the template without translation.
The demo organizations' PANs are invented in the valid format; their GSTINs' check characters are
computed here, never copied.
"""
from __future__ import annotations

from typing import Any

from functions.masters.search import slug
from shared.reference_data import stations, varieties
from shared.validators import gstin_check_char

SEED_EFFECTIVE_FROM = "2024-04-01"      # masters seeded as in force since FY 2024-25
GST_EFFECTIVE_FROM = "2017-07-01"       # GST came into force


def _param(key: str, label: str, unit: str | None, low: float, high: float, direction: str, weight: float,
           *, basis: float | None = None, target: tuple[float, float] | None = None,
           typical: tuple[float, float] | None = None, decimals: int = 1, required: bool = False) -> dict[str, Any]:
    return {"key": key, "label": label, "unit": unit, "min": low, "max": high, "direction": direction,
            "weight": weight, "basis": basis, "targetMin": target[0] if target else None,
            "targetMax": target[1] if target else None, "typicalMin": typical[0] if typical else None,
            "typicalMax": typical[1] if typical else None, "decimals": decimals, "required": required}


COTTON_PARAMETERS = [
    _param("stapleMm", "Staple length (UHML)", "mm", 20, 40, "HIGHER_BETTER", 1.0, basis=29, typical=(22, 38),
           required=True),
    _param("micronaire", "Micronaire", None, 2.5, 6.0, "TARGET_RANGE", 1.0, target=(3.6, 4.8), typical=(3.0, 5.0),
           required=True),
    _param("strengthGpt", "Strength", "g/tex", 18, 40, "HIGHER_BETTER", 0.8, basis=28, typical=(24, 32)),
    _param("trashPct", "Trash", "%", 0, 10, "LOWER_BETTER", 0.6, basis=3.5, typical=(1.5, 5)),
    _param("moisturePct", "Moisture", "%", 0, 15, "LOWER_BETTER", 0.5, basis=8.5, typical=(7, 10)),
    _param("rd", "Reflectance (Rd)", None, 50, 90, "HIGHER_BETTER", 0.3, typical=(70, 82)),
    _param("plusB", "Yellowness (+b)", None, 4, 18, "LOWER_BETTER", 0.3, typical=(7, 11)),
]

KAPAS_PARAMETERS = [
    _param("moisturePct", "Moisture", "%", 0, 20, "LOWER_BETTER", 1.0, basis=8, typical=(8, 12), required=True),
    _param("stapleMm", "Staple length", "mm", 20, 40, "HIGHER_BETTER", 0.8, basis=29, typical=(22, 38)),
    _param("micronaire", "Micronaire", None, 2.5, 6.0, "TARGET_RANGE", 0.6, target=(3.6, 4.8), typical=(3.0, 5.0)),
    _param("trashPct", "Trash and foreign matter", "%", 0, 10, "LOWER_BETTER", 0.5, typical=(1, 5)),
    _param("gotPct", "Ginning outturn (GOT)", "%", 25, 45, "HIGHER_BETTER", 0.8, basis=34, typical=(32, 38)),
]


def _options(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"code": code, "label": label, "description": None} for code, label in pairs]


def _terms(*triples: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [{"code": code, "label": label, "days": days, "description": None} for code, label, days in triples]


def variety_list(commodity: str = "COTTON") -> list[dict[str, Any]]:
    return [{"code": slug(v.name).upper(), "name": v.name, "aliases": list(v.aliases), "stapleMinMm": v.staple_min_mm,
             "stapleMaxMm": v.staple_max_mm, "regions": list(v.regions)}
            for v in varieties() if v.commodity == commodity]


TRADE_TYPES = _options(("SPOT", "Spot"), ("FORWARD", "Forward"), ("READY", "Ready"))
PAYMENT_TERMS = _terms(("ADVANCE", "Advance before dispatch", 0), ("AGAINST_DELIVERY", "Against delivery", 0),
                       ("CREDIT_7_DAYS", "7 days credit", 7), ("CREDIT_15_DAYS", "15 days credit", 15),
                       ("CREDIT_30_DAYS", "30 days credit", 30))


def cotton() -> dict[str, Any]:
    return {
        "code": "COTTON", "name": "Cotton (lint)", "hsnCode": "5201", "gstRate": 5.0, "brokerageGstRate": 18.0,
        "defaultUnit": "CANDY",
        "units": ["CANDY", "BALE", "KG", "QUINTAL", "TONNE", "MAUND"],
        "qualityParameters": COTTON_PARAMETERS,
        "varieties": variety_list("COTTON"),
        "tradeTypes": TRADE_TYPES,
        "bargainTypes": _options(("EX_GIN", "Ex-Gin"), ("EX_WAREHOUSE", "Ex-Warehouse"), ("DELIVERED", "Delivered")),
        "passingTerms": _terms(("GIN_PASSING", "Passing at the gin by the buyer's representative", 2),
                               ("LAB_PASSING", "Passing on an HVI lab report", 5),
                               ("MILL_PASSING", "Passing at the buyer's mill", 7)),
        "weightmentTerms": _terms(("GIN_WEIGHT", "Weight at the gin", 0), ("MILL_WEIGHT", "Weight at the mill", 3),
                                  ("THIRD_PARTY_WEIGHT", "Third-party weighbridge", 2)),
        "deliveryTerms": _terms(("IMMEDIATE", "Immediate delivery", 3), ("WITHIN_7_DAYS", "Within 7 days", 7),
                                ("WITHIN_15_DAYS", "Within 15 days", 15), ("WITHIN_30_DAYS", "Within 30 days", 30)),
        "paymentTerms": PAYMENT_TERMS,
        "certificates": _options(("HVI_REPORT", "HVI test report"), ("BCI", "Better Cotton (BCI) licence"),
                                 ("ORGANIC", "India Organic (NPOP) scope certificate"),
                                 ("GOTS", "GOTS transaction certificate"), ("KASTURI", "Kasturi Cotton Bharat"),
                                 ("FUMIGATION", "Fumigation certificate"),
                                 ("PHYTOSANITARY", "Phytosanitary certificate")),
        "active": True,
    }


def kapas() -> dict[str, Any]:
    return {
        "code": "KAPAS", "name": "Kapas (seed cotton)", "hsnCode": "5201", "gstRate": 5.0,
        # a commission agent's services for agricultural produce are exempt, and kapas may count as such
        # (domain/trading.md): 0% by default, an admin can change it
        "brokerageGstRate": 0.0, "defaultUnit": "QUINTAL",
        "units": ["QUINTAL", "MAN", "KG", "TONNE"],
        "qualityParameters": KAPAS_PARAMETERS,
        # Kapas is the same crop before ginning: the lint varieties apply.
        "varieties": variety_list("COTTON"),
        "tradeTypes": TRADE_TYPES,
        "bargainTypes": _options(("DELIVERED", "Delivered at the buyer's gin"), ("EX_MANDI", "Ex-mandi (APMC yard)"),
                                 ("FARM_GATE", "Farm gate")),
        "passingTerms": _terms(("SPOT_PASSING", "Passing on arrival at the gin", 0),
                               ("LAB_PASSING", "Passing on a moisture and GOT test", 2)),
        "weightmentTerms": _terms(("MANDI_WEIGHT", "Weight at the mandi", 0), ("GIN_WEIGHT", "Weight at the gin", 0)),
        "deliveryTerms": _terms(("IMMEDIATE", "Immediate delivery", 1), ("WITHIN_7_DAYS", "Within 7 days", 7)),
        "paymentTerms": _terms(("AGAINST_DELIVERY", "Against delivery", 0), ("CREDIT_3_DAYS", "3 days credit", 3),
                               ("CREDIT_7_DAYS", "7 days credit", 7)),
        "certificates": _options(("ORGANIC", "India Organic (NPOP) scope certificate"),
                                 ("MOISTURE_REPORT", "Moisture test report")),
        "active": True,
    }


GST_RATES = [
    ("HSN", "5201", "Cotton, not carded or combed (lint and kapas)", 5.0),
    ("SAC", "996111", "Commission agent (brokerage) services for wholesale trade", 18.0),
]

COMMISSION_STRUCTURES = [{
    "code": "STANDARD", "name": "Standard brokerage", "description": "0.5% of contract value from each side",
    "commodityCode": None, "buyerSide": {"basis": "PERCENTAGE", "value": 0.5},
    "sellerSide": {"basis": "PERCENTAGE", "value": 0.5}, "sacCode": "996111", "isDefault": True,
}, {
    "code": "PER_BALE", "name": "Per-bale brokerage", "description": "Rs 25 per bale from each side",
    "commodityCode": "COTTON", "buyerSide": {"basis": "PER_BALE", "value": 25},
    "sellerSide": {"basis": "PER_BALE", "value": 25}, "sacCode": "996111", "isDefault": False,
}]

CCI_TERMS = {
    "name": "CCI sales terms", "season": "2025-26", "candyKg": 355.62,
    "emdPercentByBuyerType": {"MILL": 10.0, "TRADER": 15.0, "MSME_MILL": 5.0},
    "carryingChargePerCandyPerMonth": 500, "freeLiftingDays": 15,
    "lateLiftingTiers": [{"fromDay": 16, "toDay": 30, "chargePercentPerMonth": 1.0},
                         {"fromDay": 31, "toDay": None, "chargePercentPerMonth": 1.5}],
    "moistureBand": {"basisPercent": 8.5, "maxAcceptedPercent": 9.5, "discountRatio": 1.0},
    "notes": "Demo values for local use: enter the current CCI sales terms before relying on them.",
}
CCI_EFFECTIVE_FROM = "2025-10-01"       # the 2025-26 cotton season (October to September)


def _gstin(state_code: str, pan: str, entity: str = "1") -> str:
    first14 = f"{state_code}{pan}{entity}Z"
    return first14 + gstin_check_char(first14)


ORGANIZATIONS = {
    "rnrl-gujarat": {
        "legalName": "RNRL Cotton Trading Private Limited", "tradeName": "RNRL Cotton",
        "pan": "AAKCR5710M",
        "gstins": [{"gstin": _gstin("24", "AAKCR5710M"), "label": "Ahmedabad head office", "primary": True}],
        "tan": "AHMR12345C", "cin": "U51101GJ2012PTC071234",
        "address": {"line1": "4th Floor, Cotton House", "line2": "Ashram Road", "city": "Ahmedabad",
                    "district": "Ahmedabad", "state": "Gujarat", "pincode": "380009", "country": "IN"},
        "bankAccounts": [{"accountName": "RNRL Cotton Trading Private Limited", "accountNumber": "50200012345678",
                          "ifsc": "HDFC0000123", "bankName": "HDFC Bank", "branch": "Ashram Road, Ahmedabad",
                          "primary": True}],
        "email": "accounts.gj@rnrl.example", "phone": "+91 79 2658 0000",
    },
    "rnrl-maharashtra": {
        "legalName": "RNRL Agri Commodities Private Limited", "tradeName": "RNRL Agri",
        "pan": "AAMCR8264Q",
        "gstins": [{"gstin": _gstin("27", "AAMCR8264Q"), "label": "Nagpur office", "primary": True},
                   {"gstin": _gstin("24", "AAMCR8264Q"), "label": "Rajkot branch", "primary": False}],
        "tan": "NGPR54321D", "cin": "U01631MH2015PTC265432",
        "address": {"line1": "Plot 12, Cotton Market", "line2": "Ganeshpeth", "city": "Nagpur",
                    "district": "Nagpur", "state": "Maharashtra", "pincode": "440018", "country": "IN"},
        "bankAccounts": [{"accountName": "RNRL Agri Commodities Private Limited", "accountNumber": "003105012345",
                          "ifsc": "ICIC0000031", "bankName": "ICICI Bank", "branch": "Sitabuldi, Nagpur",
                          "primary": True}],
        "email": "accounts.mh@rnrl.example", "phone": "+91 712 272 0000",
    },
}


def station_rows() -> list[tuple[str, tuple[str, ...], str, str]]:
    return [(s.name, s.aliases, s.state, s.region) for s in stations()]

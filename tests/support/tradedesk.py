"""Helpers for the trade desk's HTTP tests: masters seeded, BUYER/SELLER/TRADER partners with distinct
identities, partner-user and sales tokens."""
from __future__ import annotations

from typing import Any

from shared import clock
from shared.auth.permissions import BUILT_IN_ROLES
from tests.support.identity import token_for
from tests.support.partners import gstin

ORG = "rnrl-gujarat"
PARTNER_PERMISSIONS = BUILT_IN_ROLES["PARTNER_PRIMARY"]
SALES_PERMISSIONS = BUILT_IN_ROLES["SALES"]


def seed_partner(partner_id: str, kind: str, *, legal_name: str, pan: str, state_code: str = "24",
                 phone: str = "+919800000001", email: str | None = None) -> dict[str, Any]:
    from shared.db import collection

    doc = {"code": f"BP-{abs(hash(partner_id)) % 10**6:06d}", "legalName": legal_name, "tradeName": legal_name,
           "kind": kind, "status": "ACTIVE", "pan": pan, "gstins": [gstin(state_code, pan)],
           "contacts": [{"name": f"{legal_name} Owner", "phone": phone,
                         "email": email or f"{partner_id}@example.in"}],
           "address": {"line1": "1 Market Yard", "city": "Rajkot", "state": "Gujarat", "stateCode": state_code,
                       "pincode": "360001"},
           "kyc": {"dueDate": "2099-01-01"}, "createdAt": clock.now(), "deletedAt": None}
    collection("partners").document(partner_id).set(doc)
    return doc


def partner_user(partner_id: str) -> tuple[str, Any]:
    return token_for(set(PARTNER_PERMISSIONS), kind="partner", role="PARTNER_PRIMARY", partner_id=partner_id)


def sales_user() -> tuple[str, Any]:
    return token_for(set(SALES_PERMISSIONS), role="SALES", organization_ids=(ORG,))


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "side": "BUY", "orgId": ORG, "commodityId": "COTTON", "varietyId": "COTTON:SHANKAR-6",
        "quantity": {"value": 500, "unit": "BALE"},
        "quality": {"stapleMm": {"min": 28.5, "max": 30}, "micronaire": {"min": 3.6, "max": 4.8}},
        "targetPrice": 56000, "priceUnit": "CANDY", "location": {"stateCode": "24"},
        "tradeType": "SPOT", "bargainType": "EX_GIN", "deliveryTerms": "WITHIN_7_DAYS",
        "paymentTerms": "CREDIT_15_DAYS",
    }
    body.update(overrides)
    return body


def offer_body(trade_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"tradeId": trade_id, "price": 56500, "priceUnit": "CANDY",
                            "quantity": {"value": 100, "unit": "BALE"},
                            "quality": {"stapleMm": 29.2, "micronaire": 4.1}, "validityHours": 24}
    body.update(overrides)
    return body

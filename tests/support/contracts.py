"""Helpers for the contracts tests: masters seeded, parties, back-office users, a contract body."""
from __future__ import annotations

from typing import Any

from shared import clock
from tests.support.identity import token_for
from tests.support.partners import gstin

ORG = "rnrl-gujarat"
MANAGER = frozenset({"contracts:read", "contracts:manage"})
APPROVER = frozenset({"contracts:read", "contracts:approve"})
HINDI_BUYER = "श्री गणेश कॉटन मिल्स प्राइवेट लिमिटेड"


def seed_masters() -> dict[str, Any]:
    from functions.masters.seed import seed_masters as seed

    return seed()


def seed_party(partner_id: str, *, legal_name: str, state_code: str = "24", pan: str = "AAACS1234F",
               status: str = "ACTIVE") -> dict[str, Any]:
    from shared.db import collection

    doc = {"code": f"BP-{partner_id[-6:].rjust(6, '0')}", "legalName": legal_name, "tradeName": legal_name.split()[0],
           "kind": "TRADER", "status": status, "pan": pan, "gstins": [gstin(state_code, pan)],
           "address": {"line1": "12 Cotton Market", "city": "Rajkot", "state": "Gujarat", "stateCode": state_code,
                       "pincode": "360001"},
           "kyc": {"dueDate": "2099-01-01"}, "createdAt": clock.now(), "deletedAt": None}
    collection("partners").document(partner_id).set(doc)
    return doc


def staff(permissions: frozenset[str] = MANAGER, org: str = ORG) -> tuple[str, Any]:
    return token_for(set(permissions), role="SALES", organization_ids=(org,))


def partner_token(partner_id: str) -> str:
    """A partner user with the built-in partner role's contract and invoice reads."""
    return token_for({"contracts:read", "invoices:read"}, kind="partner", role="PARTNER_PRIMARY",
                     partner_id=partner_id)[0]


def contract_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "orgId": ORG, "buyerPartnerId": "buyer-1", "sellerPartnerId": "seller-1", "commodityId": "COTTON",
        "variety": "SHANKAR-6", "quantity": {"value": 100, "unit": "BALE"},
        "rate": {"amount": 43500.55, "unit": "CANDY"},
        "qualitySpecs": [{"key": "stapleMm", "min": 28.5, "max": 29.5}, {"key": "micronaire", "min": 3.8, "max": 4.5}],
        "terms": {"tradeType": "SPOT", "bargainType": "EX_GIN", "passingTerms": "GIN_PASSING",
                  "weightmentTerms": "GIN_WEIGHT", "deliveryTerms": "WITHIN_7_DAYS", "paymentTerms": "CREDIT_15_DAYS"},
        "deliveryStation": "Rajkot", "deliveryStateCode": "24",
    }
    body.update(overrides)
    return body


ACCOUNTS = frozenset({"invoices:read", "invoices:manage", "payments:manage", "contracts:read"})


def active_contract(api: Any, **overrides: Any) -> dict[str, Any]:
    """A contract entered, submitted and approved (maker-checker) through the HTTP API."""
    maker, _ = staff(MANAGER)
    checker, _ = staff(APPROVER)
    contract = api.post("/api/contracts", json=contract_body(**overrides), token=maker).get_json()
    assert api.post(f"/api/contracts/{contract['id']}/submit", token=maker).status_code == 200
    approved = api.post(f"/api/contracts/{contract['id']}/approve", token=checker)
    assert approved.status_code == 200, approved.get_json()
    return approved.get_json()


def run_job(api: Any, name: str) -> dict[str, Any]:
    """Run a scheduled job through the jobs function as the scheduler does; its summary."""
    import os

    response = api.post(f"/jobs/{name}", headers={"Authorization": f"Bearer {os.environ['JOBS_SHARED_SECRET']}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["summary"]

"""Helpers for the partners tests: valid identity numbers, complete profiles, back-office users, and
a partner taken from draft to ACTIVE through the API."""
from __future__ import annotations

import random
import string
from typing import Any

from shared.validators import gstin_check_char
from tests.support.identity import token_for

BACK_OFFICE_ALL = {"partners:read", "partners:create", "partners:update", "partners:approve", "partners:blacklist",
                   "kyc:verify", "documents:read"}
PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] "
       b"/Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def random_pan(holder: str = "C") -> str:
    letters = "".join(random.choices(string.ascii_uppercase, k=4))
    return f"{letters[:3]}{holder}{letters[3]}{random.randint(0, 9999):04d}{random.choice(string.ascii_uppercase)}"


def gstin(state_code: str, pan: str, entity: str = "1") -> str:
    first14 = f"{state_code}{pan}{entity}Z"
    return first14 + gstin_check_char(first14)


def address(state: str = "Maharashtra", pincode: str = "400001", city: str = "Mumbai") -> dict[str, Any]:
    return {"line1": "12 Cotton Exchange Building", "city": city, "state": state, "pincode": pincode}


def profile(pan: str | None = None, *, state_code: str = "27", legal_name: str = "Shree Ganesh Cotton Traders Pvt Ltd",
            email: str = "owner@ganeshcotton.in", mobile: str = "9876543210", kind: str = "TRADER") -> dict[str, Any]:
    pan = pan or random_pan()
    return {
        "kind": kind,
        "legalName": legal_name,
        "tradeName": "Ganesh Cotton",
        "address": address(),
        "pan": pan,
        "gstins": [gstin(state_code, pan)],
        "bankAccount": {"accountHolderName": legal_name, "accountNumber": "001234567890", "ifsc": "HDFC0001234",
                        "bankName": "HDFC Bank"},
        "contacts": [{"name": "Ramesh Patel", "designation": "Director", "email": email, "mobile": mobile,
                      "isPrimary": True}],
    }


def branch(code: str = "HO", *, state: str = "Maharashtra", gstin_value: str | None = None, pincode: str = "400001",
           head: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "name": f"Branch {code}", "address": address(state, pincode),
                            "isHeadOffice": head}
    if gstin_value:
        body["gstin"] = gstin_value
    return body


class Staff:
    """Back-office users with tokens (real sessions)."""

    def __init__(self, permissions: set[str] | None = None) -> None:
        perms = permissions or BACK_OFFICE_ALL
        self.maker_token, self.maker = token_for(perms)
        self.checker_token, self.checker = token_for(perms)


def draft(api: Any, token: str, body: dict[str, Any]) -> str:
    response = api.post("/api/partners", json=body, token=token)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def add_branch(api: Any, token: str, partner_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = api.post(f"/api/partners/{partner_id}/branches", json=body or branch(), token=token)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def submitted_partner(api: Any, staff: Staff, body: dict[str, Any] | None = None) -> str:
    partner_id = draft(api, staff.maker_token, body or profile())
    add_branch(api, staff.maker_token, partner_id)
    response = api.post(f"/api/partners/{partner_id}/submit", token=staff.maker_token)
    assert response.status_code == 200, response.get_json()
    return partner_id


def active_partner(api: Any, staff: Staff, body: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    body = body or profile(email=f"owner-{random.randint(0, 10**9)}@example.in")
    partner_id = submitted_partner(api, staff, body)
    response = api.post(f"/api/partners/{partner_id}/approve", token=staff.checker_token)
    assert response.status_code == 200, response.get_json()
    return partner_id, response.get_json()


def partner_user(partner_id: str, permissions: set[str] | None = None) -> str:
    token, _ = token_for(permissions if permissions is not None else {"self:profile"}, kind="partner",
                         role="PARTNER_PRIMARY", partner_id=partner_id)
    return token


def outbox(event_type: str) -> list[dict[str, Any]]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    return [s.to_dict() for s in collection("outbox").where(filter=FieldFilter("type", "==", event_type)).stream()]


def branch_user(partner_id: str, branch_ids: list[str], permissions: set[str] | None = None) -> str:
    """A partner sub-user limited to some branches (a real session, like tests/support/identity.py)."""
    import uuid

    from shared import clock
    from shared.auth.principal import Principal
    from shared.auth.tokens import issue_access_token
    from shared.db import collection

    principal = Principal(user_id=f"user-{uuid.uuid4().hex[:8]}", session_id=uuid.uuid4().hex, kind="partner",
                          role="PARTNER_SUB_USER", permissions=frozenset(permissions or {"self:profile"}),
                          partner_id=partner_id, branch_ids=tuple(branch_ids))
    moment = clock.now()
    collection("sessions").document(principal.session_id).set({
        "userId": principal.user_id, "createdAt": moment, "lastActivityAt": moment, "revokedAt": None,
        "expiresAt": moment})
    return issue_access_token(principal)[0]

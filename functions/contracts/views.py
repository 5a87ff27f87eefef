"""Realtime contract documents for the parties' listeners (infra/firestore.rules).

`partnerViews/{partnerId}/contracts/{contractId}` holds what that party sees of its contract on the
desk: number, status, date, its role, the other party, commodity, quantity, rate, value and GST. The
other party's brokerage is not in it (each side's commission is its own business). The contract's
writers (lifecycle.py, carry_forward.py) call `write_views` in the unit of work of every change, so a
listener never shows a status the API would not.
"""
from __future__ import annotations

from typing import Any

from shared.db import collection

VIEWS, KIND = "partnerViews", "contracts"
ROLES = (("buyer", "BUYER"), ("seller", "SELLER"), ("subBroker", "SUB_BROKER"))


def view_ref(partner_id: str, contract_id: str) -> Any:
    return collection(VIEWS).document(partner_id).collection(KIND).document(contract_id)


def _party(party: dict[str, Any] | None) -> dict[str, Any] | None:
    if not party:
        return None
    return {"partnerId": party.get("partnerId"), "code": party.get("code"), "name": party.get("name")}


def contract_view(contract_id: str, contract: dict[str, Any], role: str) -> dict[str, Any]:
    """What the party of `role` sees of the contract (pure)."""
    other = "seller" if role == "BUYER" else "buyer"
    view = {
        "id": contract_id, "number": contract.get("number"), "status": contract.get("status"), "role": role,
        "contractDate": contract.get("contractDate"), "financialYear": contract.get("financialYear"),
        "contractVersion": contract.get("contractVersion"),
        "amendmentPending": bool(contract.get("pendingAmendment")),
        "commodity": (contract.get("commodity") or {}).get("name"), "variety": contract.get("variety"),
        "quantity": contract.get("quantity"), "rate": contract.get("rate"),
        "valuePaise": contract.get("valuePaise"), "gstPaise": (contract.get("gst") or {}).get("amountPaise"),
        "updatedAt": contract.get("updatedAt"),
    }
    if role == "SUB_BROKER":
        view["buyer"], view["seller"] = _party(contract.get("buyer")), _party(contract.get("seller"))
    else:
        view["counterparty"] = _party(contract.get(other))
    return view


def write_views(uow: Any, contract_id: str, contract: dict[str, Any]) -> None:
    """One view per party of the contract, in `uow`."""
    for field, role in ROLES:
        party = contract.get(field)
        if party and party.get("partnerId"):
            uow.set(view_ref(party["partnerId"], contract_id), contract_view(contract_id, contract, role))

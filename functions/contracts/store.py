"""Where contracts live and how a stored contract reads in the API.

contracts/{id}                 the contract (camelCase; money in paise, decimals as strings)
contracts/{id}/versions/{n}    each approved version's snapshot of CONTENT_FIELDS, reason, diff (append-only)
contractDocuments/{id}-v{n}    the PDF contract note of version n (object name, status)
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared import clock
from shared.db import collection
from shared.errors import NotFound
from shared.money import Money

CONTRACTS = "contracts"
DOCUMENTS = "contractDocuments"

# What a version is: the terms both parties signed. Bookkeeping (status, approvals) is not part of it.
CONTENT_FIELDS = ("number", "contractDate", "orgId", "financialYear", "buyer", "seller", "subBroker", "commodity",
                  "variety", "quantity", "rate", "valuePaise", "gst", "qualitySpecs", "terms", "deliveryStation",
                  "deliveryStateCode", "commissions", "remarks")


def contracts() -> Any:
    return collection(CONTRACTS)


def contract_ref(contract_id: str) -> Any:
    if not contract_id or "/" in contract_id or contract_id in (".", "..") or len(contract_id) > 200:
        raise not_found()
    return contracts().document(contract_id)


def document_ref(contract_id: str, version: int) -> Any:
    return collection(DOCUMENTS).document(f"{contract_id}-v{version}")


def not_found() -> NotFound:
    return NotFound("CONTRACT_NOT_FOUND", "No such contract")


def snapshot_of(data: dict[str, Any]) -> dict[str, Any]:
    return {field: data.get(field) for field in CONTENT_FIELDS}


def _rupees(paise: Any) -> Decimal:
    return Money.from_paise(int(paise or 0)).rupees


def _iso(value: Any) -> Any:
    return clock.iso(value) if hasattr(value, "isoformat") and not isinstance(value, str) else value


def _party(party: dict[str, Any] | None) -> dict[str, Any] | None:
    if not party:
        return None
    return {k: party.get(k) for k in ("partnerId", "code", "name", "legalName", "gstin", "stateCode")}


def _side(side: dict[str, Any] | None) -> dict[str, Any] | None:
    if not side:
        return None
    return {"basis": side.get("basis"), "percent": Decimal(side["percent"]) if side.get("percent") else None,
            "ratePerBale": _rupees(side["ratePaise"]) if side.get("ratePaise") is not None else None,
            "amount": _rupees(side.get("amountPaise")), "gstPercent": Decimal(side.get("gstPercent") or "0"),
            "gst": _rupees(side.get("gstPaise"))}


def content_out(data: dict[str, Any]) -> dict[str, Any]:
    """The API view of the contract's content (also of a version snapshot)."""
    rate = data.get("rate") or {}
    gst = data.get("gst") or {}
    commissions = data.get("commissions")
    quantity = data.get("quantity") or {}
    return {
        "number": data.get("number"), "contractDate": data.get("contractDate"), "orgId": data.get("orgId"),
        "financialYear": data.get("financialYear"),
        "buyer": _party(data.get("buyer")), "seller": _party(data.get("seller")),
        "subBroker": _party(data.get("subBroker")), "commodity": data.get("commodity"), "variety": data.get("variety"),
        "quantity": {"value": Decimal(quantity.get("value", "0")), "unit": quantity.get("unit"),
                     "kg": Decimal(quantity.get("kg", "0"))},
        "rate": {"amount": _rupees(rate.get("amountPaise")), "unit": rate.get("unit")},
        "value": _rupees(data.get("valuePaise")),
        "gst": {"ratePercent": Decimal(gst.get("ratePercent") or "0"), "amount": _rupees(gst.get("amountPaise"))},
        "qualitySpecs": [{**spec, "min": Decimal(spec["min"]) if spec.get("min") is not None else None,
                          "max": Decimal(spec["max"]) if spec.get("max") is not None else None}
                         for spec in data.get("qualitySpecs") or []],
        "terms": data.get("terms") or {},
        "deliveryStation": data.get("deliveryStation"), "deliveryStateCode": data.get("deliveryStateCode"),
        "commissions": None if not commissions else {
            **{k: commissions.get(k) for k in ("structureId", "structureCode", "structureVersion", "sacCode")},
            "buyer": _side(commissions.get("buyer")), "seller": _side(commissions.get("seller"))},
        "remarks": data.get("remarks"),
    }


def contract_out(contract_id: str, data: dict[str, Any]) -> dict[str, Any]:
    pending = data.get("pendingAmendment")
    return {
        "id": contract_id, **content_out(data),
        "status": data.get("status"), "statusBeforeDispute": data.get("statusBeforeDispute"),
        "cancelReason": data.get("cancelReason"), "contractVersion": int(data.get("contractVersion") or 1),
        "source": data.get("source"),
        "pendingAmendment": None if not pending else {
            "version": pending.get("version"), "reason": pending.get("reason"), "changes": pending.get("changes") or {},
            "proposedBy": pending.get("proposedBy"), "proposedAt": _iso(pending.get("proposedAt"))},
        "submittedBy": data.get("submittedBy"), "submittedAt": _iso(data.get("submittedAt")),
        "approvedBy": data.get("approvedBy"), "approvedAt": _iso(data.get("approvedAt")),
        "createdAt": _iso(data.get("createdAt")), "createdBy": data.get("createdBy"),
        "updatedAt": _iso(data.get("updatedAt")), "version": int(data.get("version") or 1),
    }


def version_out(record: dict[str, Any], *, pdf_ready: bool, with_snapshot: bool) -> dict[str, Any]:
    snapshot = record.get("snapshot") or {}
    return {"version": record.get("version"), "reason": record.get("reason"),
            "createdAt": _iso(record.get("createdAt")), "createdBy": record.get("createdBy"),
            "approvedBy": record.get("approvedBy"), "changes": record.get("changes"),
            "snapshot": _json_ready(content_out(snapshot)) if with_snapshot else None, "pdfReady": pdf_ready}


def _json_ready(value: Any) -> Any:
    """Decimals of a free-form snapshot as JSON numbers (the version's snapshot is an open object)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value

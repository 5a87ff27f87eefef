"""GST invoices against an ACTIVE contract (DOMAIN.md "Contracts and settlement", trading.md Rule 46).

In one transaction: the contract is read (ACTIVE, the caller's scope); its invoices together never bill
more than the contract's quantity and its 5% tolerance (409 QUANTITY_EXCEEDS_CONTRACT): the kg invoiced
so far are kept in `contractInvoicing/{contractId}`, read and written in the invoice's transaction, so
concurrent invoices on one contract serialize on it (the contract itself is not written: its version
and ETag stay the editors'); a cancelled invoice gives its kg back; the
invoice date's financial year must be open; the number is the next of the organization's `INV`
counter for that year (`INV/2627/00042`: at most 16 characters, `^[A-Z1-9][A-Z0-9/-]{0,15}$`,
consecutive, never reused: a cancelled invoice keeps its number); the taxable value is quantity × rate
(shared.units, shared.money), GST is split by place of supply (gst.py); the due date follows the
contract's payment terms. Supplier is the contract's seller, recipient its buyer; the organization
numbers and records the invoice (its series). Cancelling needs a reason and keeps the number.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from functions.contracts import gst, states, store, terms
from functions.contracts.access import Viewer
from functions.contracts.events import InvoiceIssued
from functions.contracts.invoice_status import CANCELLED, INVOICE, UNPAID
from functions.masters.public import open_financial_year
from shared import clock, fiscal
from shared.db import collection, stamp_new, stamp_update
from shared.errors import Conflict, NotFound
from shared.http.pagination import page
from shared.money import Money
from shared.numbering import CounterScope, invoice_number, next_number
from shared.units import Quantity, Unit
from shared.units import from_store as quantity_from_store
from shared.units import to_store as quantity_to_store

INVOICES = "invoices"
SERIES = "INV"
TOLERANCE = Decimal("0.05")
INVOICED = "contractInvoicing"    # {contractId}: the kg invoiced so far on the contract (cancelled ones not)
INVOICEABLE = frozenset({states.ACTIVE, states.CARRIED_FORWARD})


def invoices() -> Any:
    return collection(INVOICES)


def invoice_ref(invoice_id: str) -> Any:
    if not invoice_id or "/" in invoice_id or invoice_id in (".", "..") or len(invoice_id) > 200:
        raise not_found()
    return invoices().document(invoice_id)


def invoiced_ref(contract_id: str) -> Any:
    return collection(INVOICED).document(contract_id)


def invoiced_kg(uow: Any, contract_id: str) -> Decimal:
    snapshot = uow.get(invoiced_ref(contract_id))
    return Decimal(str((snapshot.to_dict() or {}).get("kg") or "0")) if snapshot.exists else Decimal(0)


def set_invoiced_kg(uow: Any, contract_id: str, kg: Decimal) -> None:
    uow.set(invoiced_ref(contract_id), {"contractId": contract_id, "kg": str(kg), "updatedAt": clock.now()})


def not_found() -> NotFound:
    return NotFound("INVOICE_NOT_FOUND", "No such invoice")


def due_date(invoice_day: date, payment_terms: dict[str, Any] | None) -> date:
    return invoice_day + timedelta(days=int((payment_terms or {}).get("days") or 0))


def check_quantity(contract_kg: Decimal, invoiced_kg: Decimal, new_kg: Decimal) -> Decimal:
    """The invoiced kg after this invoice; 409 beyond the contract's quantity plus its tolerance."""
    limit = contract_kg * (1 + TOLERANCE)
    after = invoiced_kg + new_kg
    if after > limit:
        raise Conflict("QUANTITY_EXCEEDS_CONTRACT", "This invoice would bill more than the contract's quantity",
                       {"contractKg": str(contract_kg), "invoicedKg": str(invoiced_kg),
                        "remainingKg": str(max(limit - invoiced_kg, Decimal(0)))})
    return after


def build(contract_id: str, contract: dict[str, Any], quantity: Quantity, invoice_day: date, place: str | None,
          reverse_charge: bool) -> dict[str, Any]:
    """The invoice's content from its contract (pure: no number, no stamps)."""
    rate = Money.from_paise(int(contract["rate"]["amountPaise"]))
    rate_unit = Unit(contract["rate"]["unit"])
    taxable = terms.contract_value(quantity, rate, rate_unit)
    seller, buyer = contract.get("seller") or {}, contract.get("buyer") or {}
    supplier_state = (seller.get("gstin") or "")[:2] or seller.get("stateCode")
    tax = gst.split(taxable, Decimal((contract.get("gst") or {}).get("ratePercent") or "0"), supplier_state, place)
    total = taxable + tax.total_tax
    payment_terms = (contract.get("terms") or {}).get("paymentTerms")
    return {
        "invoiceDate": invoice_day.isoformat(), "dueDate": due_date(invoice_day, payment_terms).isoformat(),
        "orgId": contract["orgId"], "financialYear": fiscal.financial_year_of(invoice_day),
        "contractId": contract_id, "contractNumber": contract.get("number"),
        "partyIds": [p for p in (buyer.get("partnerId"), seller.get("partnerId")) if p],
        "buyerPartnerId": buyer.get("partnerId"), "sellerPartnerId": seller.get("partnerId"),
        "supplier": seller, "recipient": buyer, "placeOfSupply": place, "supplierState": supplier_state,
        "hsnCode": (contract.get("commodity") or {}).get("hsnCode"),
        "description": " ".join(x for x in ((contract.get("commodity") or {}).get("name"),
                                             (contract.get("variety") or {}).get("name")) if x),
        "quantity": quantity_to_store(quantity), "rate": dict(contract["rate"]),
        "taxableValuePaise": taxable.paise, "taxType": tax.kind, "gstRatePercent": str(tax.rate_percent),
        "cgstPaise": tax.cgst.paise, "sgstPaise": tax.sgst.paise, "igstPaise": tax.igst.paise,
        "totalPaise": total.paise, "paidPaise": 0, "balancePaise": total.paise, "reverseCharge": reverse_charge,
        "paymentTerms": payment_terms, "status": UNPAID, "cancelReason": None,
    }


def issue(uow: Any, contract_id: str, viewer: Viewer, quantity: Quantity | None, invoice_day: date | None,
          place_override: str | None, bill_to_ship_to: bool, seller_is_agriculturist: bool
          ) -> tuple[str, dict[str, Any]]:
    snapshot = uow.get(store.contract_ref(contract_id))
    contract = viewer.check(snapshot.to_dict() if snapshot.exists else None)
    if contract["status"] not in INVOICEABLE:
        raise Conflict("CONTRACT_NOT_ACTIVE", f"A {contract['status']} contract cannot be invoiced",
                       {"status": contract["status"]})
    quantity = quantity or quantity_from_store(contract["quantity"])
    day = invoice_day or clock.today_india()
    fy = fiscal.financial_year_of(day)
    open_financial_year(uow, contract["orgId"], fy)
    after_kg = check_quantity(Decimal(contract["quantity"]["kg"]), invoiced_kg(uow, contract_id), quantity.kg)
    place = place_override or gst.place_of_supply(contract.get("deliveryStateCode"),
                                                  (contract.get("buyer") or {}).get("stateCode"),
                                                  bill_to_ship_to=bill_to_ship_to)
    data = build(contract_id, contract, quantity, day, place,
                 gst.reverse_charge((contract.get("commodity") or {}).get("code"), seller_is_agriculturist))
    data["number"] = invoice_number(fy, next_number(uow, CounterScope(contract["orgId"], fy, SERIES)))
    invoice_id = uuid.uuid4().hex
    data = stamp_new(data, viewer.user_id)
    uow.create(invoice_ref(invoice_id), data)
    set_invoiced_kg(uow, contract_id, after_kg)
    uow.audit("invoice.issue", "invoice", invoice_id, after={"number": data["number"], "contractId": contract_id,
                                                             "totalPaise": data["totalPaise"]})
    uow.emit(InvoiceIssued(invoice_id=invoice_id, contract_id=contract_id, org_id=contract["orgId"],
                           buyer_partner_id=data["buyerPartnerId"], invoice_number=data["number"]), subject=invoice_id)
    return invoice_id, data


def cancel(uow: Any, invoice_id: str, viewer: Viewer, reason: str) -> dict[str, Any]:
    snapshot = uow.get(invoice_ref(invoice_id))
    current = snapshot.to_dict() if snapshot.exists else None
    if current is None or not viewer.sees(current):
        raise not_found()
    target = INVOICE.ensure(current["status"], CANCELLED, reason)
    contract_id = str(current.get("contractId"))
    # the cancelled invoice's quantity may be invoiced again
    released = invoiced_kg(uow, contract_id) - Decimal(str((current.get("quantity") or {}).get("kg") or "0"))
    set_invoiced_kg(uow, contract_id, max(released, Decimal(0)))
    update = stamp_update({"status": target, "cancelReason": reason.strip(), "cancelledBy": viewer.user_id,
                           "cancelledAt": clock.now(), "balancePaise": 0}, viewer.user_id,
                          int(current.get("version", 1)))
    uow.update(invoice_ref(invoice_id), update)
    uow.audit("invoice.cancel", "invoice", invoice_id, before={"status": current["status"]},
              after={"status": target, "reason": reason.strip(), "number": current.get("number")})
    return {**current, **update}


def invoice_out(invoice_id: str, data: dict[str, Any]) -> dict[str, Any]:
    def rupees(name: str) -> Decimal:
        return Money.from_paise(int(data.get(name) or 0)).rupees

    def party(value: dict[str, Any] | None) -> dict[str, Any]:
        value = value or {}
        return {k: value.get(k) for k in ("partnerId", "code", "name", "legalName", "gstin", "stateCode")}

    quantity = data.get("quantity") or {}
    rate = data.get("rate") or {}
    return {
        "id": invoice_id, "number": data.get("number"), "invoiceDate": data.get("invoiceDate"),
        "dueDate": data.get("dueDate"), "orgId": data.get("orgId"), "financialYear": data.get("financialYear"),
        "contractId": data.get("contractId"), "contractNumber": data.get("contractNumber"),
        "supplier": party(data.get("supplier")), "recipient": party(data.get("recipient")),
        "placeOfSupply": data.get("placeOfSupply"), "supplierState": data.get("supplierState"),
        "hsnCode": data.get("hsnCode"), "description": data.get("description"),
        "quantity": {"value": Decimal(quantity.get("value", "0")), "unit": quantity.get("unit"),
                     "kg": Decimal(quantity.get("kg", "0"))},
        "rate": {"amount": Money.from_paise(int(rate.get("amountPaise") or 0)).rupees, "unit": rate.get("unit")},
        "taxableValue": rupees("taxableValuePaise"), "taxType": data.get("taxType"),
        "gstRatePercent": Decimal(data.get("gstRatePercent") or "0"), "cgst": rupees("cgstPaise"),
        "sgst": rupees("sgstPaise"), "igst": rupees("igstPaise"), "total": rupees("totalPaise"),
        "paid": rupees("paidPaise"), "balance": rupees("balancePaise"),
        "reverseCharge": bool(data.get("reverseCharge")),
        "status": data.get("status"), "cancelReason": data.get("cancelReason"),
        "createdAt": clock.iso(data["createdAt"]) if hasattr(data.get("createdAt"), "isoformat") else None,
        "version": int(data.get("version") or 1),
    }


def get(invoice_id: str, viewer: Viewer) -> dict[str, Any]:
    snapshot = invoice_ref(invoice_id).get()
    data = snapshot.to_dict() if snapshot.exists else None
    if data is None or not viewer.sees(data):
        raise not_found()
    return data


def list_invoices(query: Any, viewer: Viewer) -> tuple[list[Any], str | None]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    ref = invoices()
    if viewer.back_office:
        if not viewer.all_organizations:
            if not viewer.organization_ids:
                return [], None
            ref = ref.where(filter=FieldFilter("orgId", "in", list(viewer.organization_ids)[:30]))
    else:
        ref = ref.where(filter=FieldFilter("partyIds", "array_contains", viewer.partner_id or "-"))
    if query.contract_id:
        ref = ref.where(filter=FieldFilter("contractId", "==", query.contract_id))
    if query.status:
        ref = ref.where(filter=FieldFilter("status", "==", query.status))
    return page(ref, [("createdAt", "DESCENDING")], query.page_size, query.page_token)

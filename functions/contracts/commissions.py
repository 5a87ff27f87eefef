"""Brokerage (commissions) after the contract: DUE → INVOICED → PAID (DOMAIN.md "Contracts and settlement").

A commission is one side's brokerage on one contract (`commissions/{contractId}-{SIDE}`, written DUE when
the contract is approved: lifecycle.write_commissions). Invoicing it issues RNRL's brokerage invoice to
that side's partner in its own series (`BRK/2627/00001`: the organization's `BRK` counter per financial
year, the invoice numbering rules), on the brokerage amount with GST at the rate the contract copied
(the commodity's brokerage setting: 18% for lint, kapas exempt by default), split CGST + SGST when the
organization's GSTIN and the partner are in one state, IGST otherwise. Recording its payment makes it PAID.
Each step is one transaction through the COMMISSION state machine (409 INVALID_TRANSITION otherwise).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from functions.contracts import gst
from functions.contracts.access import Viewer
from functions.contracts.lifecycle import COMMISSIONS
from functions.contracts.notes import tax_split
from functions.masters.public import open_financial_year, organization_gstin
from shared import clock, fiscal
from shared.db import collection, stamp_update
from shared.errors import NotFound
from shared.money import Money
from shared.numbering import CounterScope, brokerage_invoice_number, next_number
from shared.statemachine import StateMachine

DUE, INVOICED, PAID = "DUE", "INVOICED", "PAID"
SERIES = "BRK"
COMMISSION = StateMachine("commission", {DUE: {INVOICED}, INVOICED: {PAID}}, final=frozenset({PAID}))


def commission_ref(commission_id: str) -> Any:
    if not commission_id or "/" in commission_id or commission_id in (".", "..") or len(commission_id) > 200:
        raise not_found()
    return collection(COMMISSIONS).document(commission_id)


def not_found() -> NotFound:
    return NotFound("COMMISSION_NOT_FOUND", "No such commission")


def _load(uow: Any, commission_id: str, viewer: Viewer) -> dict[str, Any]:
    snapshot = uow.get(commission_ref(commission_id))
    data = snapshot.to_dict() if snapshot.exists else None
    if data is None or not viewer.sees_org(data.get("orgId")):
        raise not_found()
    return data


def get(commission_id: str, viewer: Viewer) -> dict[str, Any]:
    snapshot = commission_ref(commission_id).get()
    data = snapshot.to_dict() if snapshot.exists else None
    if data is None or not viewer.sees_org(data.get("orgId")):
        raise not_found()
    return data


def brokerage_invoice(commission: dict[str, Any], number: str, day: date, supplier_gstin: str | None
                      ) -> dict[str, Any]:
    """The brokerage invoice's content (pure): taxable brokerage, GST split by the two parties' states."""
    taxable = Money.from_paise(int(commission.get("amountPaise") or 0))
    rate = Decimal(str(commission.get("gstPercent") or "0"))
    supplier_state = (supplier_gstin or "")[:2] or None
    place = commission.get("partnerStateCode")
    kind = gst.split(taxable, rate, supplier_state, place).kind
    cgst, sgst, igst = tax_split(taxable, rate, kind)
    return {"number": number, "invoiceDate": day.isoformat(), "financialYear": fiscal.financial_year_of(day),
            "supplierGstin": supplier_gstin, "placeOfSupply": place, "taxType": kind, "sacCode":
            commission.get("sacCode"), "gstRatePercent": str(rate), "taxableValuePaise": taxable.paise,
            "cgstPaise": cgst.paise, "sgstPaise": sgst.paise, "igstPaise": igst.paise,
            "totalPaise": (taxable + cgst + sgst + igst).paise}


def invoice(uow: Any, commission_id: str, viewer: Viewer, invoice_day: date | None) -> dict[str, Any]:
    """DUE → INVOICED with the next brokerage invoice number of the organization's year."""
    current = _load(uow, commission_id, viewer)
    supplier_gstin = organization_gstin(current["orgId"])   # master data: read outside the transaction's locks
    target = COMMISSION.ensure(str(current.get("status")), INVOICED)
    day = invoice_day or clock.today_india()
    fy = fiscal.financial_year_of(day)
    open_financial_year(uow, current["orgId"], fy)
    number = brokerage_invoice_number(fy, next_number(uow, CounterScope(current["orgId"], fy, SERIES)))
    document = brokerage_invoice(current, number, day, supplier_gstin)
    update = stamp_update({"status": target, "brokerageInvoice": document, "invoicedAt": clock.now(),
                           "invoicedBy": viewer.user_id}, viewer.user_id, int(current.get("version") or 1))
    uow.update(commission_ref(commission_id), update)
    uow.audit("commission.invoice", "commission", commission_id, before={"status": current["status"]},
              after={"status": target, "number": number, "totalPaise": document["totalPaise"]})
    return {**current, **update}


def mark_paid(uow: Any, commission_id: str, viewer: Viewer, paid_on: date, reference: str) -> dict[str, Any]:
    """INVOICED → PAID: the partner paid the brokerage invoice."""
    current = _load(uow, commission_id, viewer)
    target = COMMISSION.ensure(str(current.get("status")), PAID)
    update = stamp_update({"status": target, "paidOn": paid_on.isoformat(), "paymentReference": reference.strip(),
                           "paidAt": clock.now(), "paidBy": viewer.user_id}, viewer.user_id,
                          int(current.get("version") or 1))
    uow.update(commission_ref(commission_id), update)
    uow.audit("commission.pay", "commission", commission_id, before={"status": current["status"]},
              after={"status": target, "reference": reference.strip()})
    return {**current, **update}

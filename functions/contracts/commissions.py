"""Brokerage (commissions) after the contract: DUE → INVOICED → PAID (DOMAIN.md "Contracts and settlement").

A commission is one side's brokerage on one contract (`commissions/{contractId}-{SIDE}`, written DUE when
the contract is approved: lifecycle.write_commissions). Invoicing it issues RNRL's brokerage invoice to
that side's partner in its own series (`BRK/2627/00001`: the organization's `BRK` counter per financial
year, the invoice numbering rules), on the brokerage amount with GST at the rate the contract copied
(the commodity's brokerage setting: 18% for lint, kapas exempt by default), split CGST + SGST when the
organization's GSTIN and the partner are in one state, IGST otherwise. The invoice also shows the TDS
under section 194H the partner deducts (functions/contracts/tds.py) and the net it is to pay; the partner's
brokerage invoiced in the year is kept in `brokerageYears/{orgId}:{fy}:{partnerId}`, in the invoice's
transaction. Recording its payment makes it PAID.
Each step is one transaction through the COMMISSION state machine (409 INVALID_TRANSITION otherwise).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from functions.contracts import gst, tds
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
BROKERAGE_YEARS = "brokerageYears"
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


def brokerage_year_ref(org_id: str, fy: str, partner_id: str) -> Any:
    return collection(BROKERAGE_YEARS).document(f"{org_id}:{fy}:{partner_id}")


def brokerage_invoice(commission: dict[str, Any], number: str, day: date, supplier_gstin: str | None,
                      earlier_in_year: Money) -> dict[str, Any]:
    """The brokerage invoice's content (pure): taxable brokerage, GST split by the two parties' states, and
    the TDS under 194H after `earlier_in_year` of brokerage invoiced to the same partner."""
    taxable = Money.from_paise(int(commission.get("amountPaise") or 0))
    rate = Decimal(str(commission.get("gstPercent") or "0"))
    supplier_state = (supplier_gstin or "")[:2] or None
    place = commission.get("partnerStateCode")
    kind = gst.split(taxable, rate, supplier_state, place).kind
    cgst, sgst, igst = tax_split(taxable, rate, kind)
    total = taxable + cgst + sgst + igst
    deduction = tds.on_brokerage(taxable, earlier_in_year)
    return {"number": number, "invoiceDate": day.isoformat(), "financialYear": fiscal.financial_year_of(day),
            "supplierGstin": supplier_gstin, "placeOfSupply": place, "taxType": kind, "sacCode":
            commission.get("sacCode"), "gstRatePercent": str(rate), "taxableValuePaise": taxable.paise,
            "cgstPaise": cgst.paise, "sgstPaise": sgst.paise, "igstPaise": igst.paise,
            "totalPaise": total.paise, "tdsSection": tds.SECTION, "tdsRatePercent": str(tds.RATE_PERCENT),
            "tdsBasePaise": deduction.base.paise, "tdsPaise": deduction.amount.paise,
            "netReceivablePaise": (total - deduction.amount).paise,
            "yearBrokeragePaise": deduction.year_brokerage.paise}


def invoice(uow: Any, commission_id: str, viewer: Viewer, invoice_day: date | None) -> dict[str, Any]:
    """DUE → INVOICED with the next brokerage invoice number of the organization's year."""
    current = _load(uow, commission_id, viewer)
    supplier_gstin = organization_gstin(current["orgId"])   # master data: read outside the transaction's locks
    target = COMMISSION.ensure(str(current.get("status")), INVOICED)
    day = invoice_day or clock.today_india()
    fy = fiscal.financial_year_of(day)
    open_financial_year(uow, current["orgId"], fy)
    year_ref = brokerage_year_ref(current["orgId"], fy, str(current.get("partnerId")))
    year_snapshot = uow.get(year_ref)
    earlier = Money.from_paise(int((year_snapshot.to_dict() or {}).get("brokeragePaise") or 0)
                               if year_snapshot.exists else 0)
    number = brokerage_invoice_number(fy, next_number(uow, CounterScope(current["orgId"], fy, SERIES)))
    document = brokerage_invoice(current, number, day, supplier_gstin, earlier)
    uow.set(year_ref, {"orgId": current["orgId"], "financialYear": fy, "partnerId": current.get("partnerId"),
                       "brokeragePaise": document["yearBrokeragePaise"], "updatedAt": clock.now()})
    update = stamp_update({"status": target, "brokerageInvoice": document, "invoicedAt": clock.now(),
                           "invoicedBy": viewer.user_id}, viewer.user_id, int(current.get("version") or 1))
    uow.update(commission_ref(commission_id), update)
    uow.audit("commission.invoice", "commission", commission_id, before={"status": current["status"]},
              after={"status": target, "number": number, "totalPaise": document["totalPaise"],
                     "tdsPaise": document["tdsPaise"]})
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

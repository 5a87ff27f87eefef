"""Credit and debit notes against an invoice (DOMAIN.md "Contracts and settlement", trading.md
"Credit and debit notes").

A note has its own series per organization and financial year (`CN/2627/00001`, `DN/2627/00001`),
cites the original invoice's number and date, and carries a taxable amount with GST split like the
invoice's (CGST + SGST half each, or IGST) at the invoice's rate. A credit note for an invoice's
financial year is refused after 30 November following that year's end (409 CREDIT_NOTE_DEADLINE).
A credit note lowers the invoice's balance (never below zero: 409 NOTE_EXCEEDS_BALANCE); a debit
note raises its total and balance. The invoice's status follows through its state machine
(invoice_status.py): a credit note that clears the balance makes it PAID, a debit note on a PAID invoice
reopens it (PARTIALLY_PAID, or OVERDUE past its due date). A cancelled invoice takes no note.
"""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from functions.contracts import invoice_status
from shared import clock, fiscal
from shared.errors import Conflict, NotFound
from shared.money import Money

NOTES = "invoiceNotes"
CREDIT, DEBIT = "CREDIT", "DEBIT"
SERIES = {CREDIT: "CN", DEBIT: "DN"}


def credit_deadline(fy_code: str) -> date:
    """30 November after the financial year ends."""
    _, end = fiscal.bounds(fy_code)
    return date(end.year, 11, 30)


def tax_split(taxable: Money, rate_percent: Decimal, tax_type: str) -> tuple[Money, Money, Money]:
    """(cgst, sgst, igst) of a note's taxable value, half-up to the paisa; CGST and SGST equal halves."""
    if tax_type == "INTRA_STATE":
        half = taxable.percent(rate_percent / 2)
        return half, half, Money.zero()
    return Money.zero(), Money.zero(), taxable.percent(rate_percent)


def issue(uow: Any, invoice_id: str, viewer: Any, kind: str, taxable: Money, reason: str,
          note_day: date | None) -> tuple[str, dict[str, Any]]:
    from functions.contracts.invoices import invoice_ref
    from shared.db import stamp_new, stamp_update
    from shared.numbering import CounterScope, credit_note_number, debit_note_number, next_number

    snapshot = uow.get(invoice_ref(invoice_id))
    invoice = snapshot.to_dict() if snapshot.exists else None
    if invoice is None or not viewer.sees(invoice):
        raise NotFound("INVOICE_NOT_FOUND", "No such invoice")
    if invoice.get("status") == "CANCELLED":
        raise Conflict("INVOICE_CANCELLED", "A cancelled invoice takes no note")
    day = note_day or clock.today_india()
    if kind == CREDIT and day > credit_deadline(invoice["financialYear"]):
        raise Conflict("CREDIT_NOTE_DEADLINE", "A credit note for this financial year is too late",
                       {"deadline": credit_deadline(invoice["financialYear"]).isoformat()})
    cgst, sgst, igst = tax_split(taxable, Decimal(str(invoice.get("gstRatePercent") or "0")),
                                 str(invoice.get("taxType")))
    total = taxable + cgst + sgst + igst
    balance, invoice_total = int(invoice.get("balancePaise") or 0), int(invoice.get("totalPaise") or 0)
    if kind == CREDIT and total.paise > balance:
        raise Conflict("NOTE_EXCEEDS_BALANCE", "A credit note above the invoice's balance",
                       {"balance": str(Money.from_paise(balance).rupees)})
    sign = -1 if kind == CREDIT else 1
    new_balance = balance + sign * total.paise
    new_total = invoice_total + sign * total.paise
    status = invoice_status.next_status(str(invoice.get("status")), new_total, new_total - new_balance,
                                        invoice.get("dueDate"), clock.today_india())
    fy = fiscal.financial_year_of(day)
    n = next_number(uow, CounterScope(invoice["orgId"], fy, SERIES[kind]))
    number = credit_note_number(fy, n) if kind == CREDIT else debit_note_number(fy, n)
    note_id = uuid.uuid4().hex
    data = stamp_new({
        "invoiceId": invoice_id, "invoiceNumber": invoice.get("number"), "invoiceDate": invoice.get("invoiceDate"),
        "orgId": invoice["orgId"], "financialYear": fy, "partyIds": list(invoice.get("partyIds") or []),
        "buyerPartnerId": invoice.get("buyerPartnerId"), "kind": kind, "number": number,
        "noteDate": day.isoformat(), "reason": reason.strip(),
        "taxableValuePaise": taxable.paise, "cgstPaise": cgst.paise, "sgstPaise": sgst.paise, "igstPaise": igst.paise,
        "totalPaise": total.paise,
    }, viewer.user_id)
    uow.create(uow_ref(note_id), data)
    uow.update(invoice_ref(invoice_id), stamp_update(
        {"balancePaise": new_balance, "totalPaise": new_total, "status": status},
        viewer.user_id, int(invoice.get("version") or 1)))
    uow.audit(f"invoice.{kind.lower()}_note", "invoice", invoice_id, before={"status": invoice.get("status")},
              after={"number": number, "totalPaise": total.paise, "status": status})
    return note_id, data


def uow_ref(note_id: str) -> Any:
    from shared.db import collection

    return collection(NOTES).document(note_id)

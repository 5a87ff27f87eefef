"""The PDFs of the invoices: the GST tax invoice of a sales invoice and RNRL's brokerage invoice of a
commission. Pure: stored documents in, (style, text) lines and bytes out (pdf_kit draws them).

What they show is what Rule 46 of the CGST Rules asks (domain/trading.md) and what the stored
documents hold, nothing computed anew: supplier and recipient (name, address, GSTIN), the invoice's
number and date, place of supply with its state, HSN (the commodity's, 5201 for raw cotton) or SAC
(the commission structure's, 996111), description, quantity and rate, taxable value, CGST + SGST or
IGST with rate and amount, the total and the total in words, whether tax is payable on reverse charge;
the brokerage invoice also shows the TDS under section 194H the partner deducts and the net it pays.

The sales invoice's total here is its taxable value plus its tax: a later debit note raises the
invoice's receivable (`totalPaise`) but is a document of its own, not part of this invoice. A cancelled
invoice keeps its number and is shown as it was issued, marked CANCELLED across the page with the
reason (it must stay on record, and must not be mistaken for a live one).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from functions.contracts import tds as tds_rules
from functions.contracts.pdf_kit import Line, number, party_lines, render, rupees
from shared.money import Money, to_words
from shared.reference_data import state_by_code

INTRA = "INTRA_STATE"
CANCELLED = "CANCELLED"


def state_label(code: str | None) -> str:
    """`Gujarat (24)`; the bare code when the reference data does not know it; `-` without one."""
    if not code:
        return "-"
    state = state_by_code(str(code))
    return f"{state.name} ({state.gst_code})" if state else str(code)


def _paise(document: dict[str, Any], name: str) -> int:
    return int(document.get(name) or 0)


def tax_rows(document: dict[str, Any]) -> tuple[list[Line], int]:
    """The taxable value and the GST rows of a stored invoice, and its total (taxable + tax) in paise."""
    rate = Decimal(str(document.get("gstRatePercent") or "0"))
    taxable = _paise(document, "taxableValuePaise")
    cgst, sgst, igst = (_paise(document, f"{k}Paise") for k in ("cgst", "sgst", "igst"))
    rows: list[Line] = [("row", f"Taxable value\t{rupees(taxable)}")]
    if document.get("taxType") == INTRA:
        rows += [("row", f"CGST @ {number(rate / 2)}%\t{rupees(cgst)}"),
                 ("row", f"SGST @ {number(rate / 2)}%\t{rupees(sgst)}")]
    else:
        rows.append(("row", f"IGST @ {number(rate)}%\t{rupees(igst)}"))
    total = taxable + cgst + sgst + igst
    rows += [("total", f"Total invoice value\t{rupees(total)}"),
             ("", f"In words: {to_words(Money.from_paise(total))}")]
    return rows, total


def _cancelled(document: dict[str, Any]) -> list[Line]:
    if document.get("status") != CANCELLED:
        return []
    reason = f": {document['cancelReason']}" if document.get("cancelReason") else ""
    return [("head", f"CANCELLED{reason}"),
            ("", "This invoice was cancelled. Its number is not reused; it is not a demand for payment.")]


def invoice_lines(invoice: dict[str, Any]) -> list[Line]:
    """The GST tax invoice of a stored sales invoice (functions/contracts/invoices.py `build`)."""
    quantity = invoice.get("quantity") or {}
    rate = invoice.get("rate") or {}
    supplier = invoice.get("supplier") or {}
    lines: list[Line] = [
        ("title", "TAX INVOICE"),
        ("", "Original for recipient"),
        *_cancelled(invoice),
        ("head", f"Invoice No. {invoice.get('number')}    Date {invoice.get('invoiceDate')}"),
        ("", f"Due date {invoice.get('dueDate')}    Against sales contract {invoice.get('contractNumber')}"),
        ("", f"Place of supply: {state_label(invoice.get('placeOfSupply'))}    "
             f"Supplier's state: {state_label(invoice.get('supplierState'))}"),
        ("", f"Tax payable on reverse charge: {'Yes' if invoice.get('reverseCharge') else 'No'}"),
        ("head", "Supplier and recipient"),
    ]
    lines += [("", text) for text in party_lines("Supplier", supplier)]
    lines += [("", text) for text in party_lines("Recipient (bill to)", invoice.get("recipient"))]
    lines += [
        ("head", "Goods"),
        ("", f"{invoice.get('description') or 'Cotton'}    HSN {invoice.get('hsnCode') or '-'}"),
        ("", f"Quantity: {number(quantity.get('value', 0))} {quantity.get('unit')} "
             f"({number(quantity.get('kg', 0))} kg)    Rate: {rupees(_paise(rate, 'amountPaise'))} per "
             f"{rate.get('unit')}"),
        ("head", "Amount"),
    ]
    rows, _ = tax_rows(invoice)
    lines += rows
    if invoice.get("reverseCharge"):
        lines.append(("", "The GST above is payable by the recipient under reverse charge."))
    terms = invoice.get("paymentTerms") or {}
    if terms.get("label") or terms.get("code"):
        days = f" ({terms['days']} days)" if terms.get("days") else ""
        lines.append(("", f"Payment terms: {terms.get('label') or terms.get('code')}{days}"))
    lines += [("", ""), ("", f"For {supplier.get('legalName') or supplier.get('name') or 'the supplier'}"),
              ("", "Authorised signatory"),
              ("", "Computer-generated invoice. Disputes under the bylaws of the Cotton Association of India.")]
    return lines


def render_invoice(invoice: dict[str, Any]) -> bytes:
    """The PDF of a stored sales invoice (marked CANCELLED across the page when it is)."""
    return render(f"Tax invoice {invoice.get('number')}", invoice_lines(invoice),
                  CANCELLED if invoice.get("status") == CANCELLED else None)


def brokerage_lines(commission: dict[str, Any], supplier: dict[str, Any] | None,
                    recipient: dict[str, Any] | None) -> list[Line]:
    """RNRL's brokerage invoice of a stored INVOICED or PAID commission (`brokerageInvoice`, written by
    functions/contracts/commissions.py); `supplier` is the organization (legalName, name, address,
    gstin, pan), `recipient` the contract's party of the commission's side."""
    document = commission.get("brokerageInvoice") or {}
    supplier = {**(supplier or {}), "gstin": document.get("supplierGstin") or (supplier or {}).get("gstin")}
    side = str(commission.get("side") or "").lower()
    basis = "percentage of contract value" if commission.get("basis") == "PERCENTAGE" else "amount per bale"
    lines: list[Line] = [
        ("title", "TAX INVOICE - BROKERAGE"),
        ("", "Original for recipient"),
        ("head", f"Invoice No. {document.get('number')}    Date {document.get('invoiceDate')}"),
        ("", f"Financial year {document.get('financialYear')}    "
             f"Place of supply: {state_label(document.get('placeOfSupply'))}"),
        ("", "Tax payable on reverse charge: No"),
        ("head", "Supplier and recipient"),
    ]
    lines += [("", text) for text in party_lines("Supplier", supplier)]
    if supplier.get("pan"):
        lines.append(("", f"    PAN {supplier['pan']}"))
    lines += [("", text) for text in party_lines("Recipient", recipient or {"partnerId": commission.get("partnerId")})]
    lines += [
        ("head", "Service"),
        ("", f"Commission agent (brokerage) services    SAC {document.get('sacCode') or '-'}"),
        ("", f"Brokerage ({side} side, {basis}) on sales contract {commission.get('contractNumber')}"),
        ("head", "Amount"),
    ]
    rows, total = tax_rows(document)
    lines += rows
    tds = _paise(document, "tdsPaise")
    section = document.get("tdsSection") or tds_rules.SECTION
    lines.append(("head", f"TDS under section {section}"))
    if tds:
        lines += [("row", f"TDS @ {number(document.get('tdsRatePercent') or 0)}% on "
                          f"{rupees(_paise(document, 'tdsBasePaise'))}\t-{rupees(tds)}"),
                  ("total", f"Net receivable after TDS\t{rupees(_paise(document, 'netReceivablePaise'))}")]
    else:
        year = rupees(_paise(document, "yearBrokeragePaise"))
        lines += [("", f"No TDS: the brokerage of the year ({year}) is within the "
                       f"{rupees(tds_rules.YEAR_THRESHOLD.paise)} threshold."),
                  ("total", f"Net receivable\t{rupees(total)}")]
    lines += [("", ""), ("", f"For {supplier.get('legalName') or supplier.get('name') or 'the supplier'}"),
              ("", "Authorised signatory"), ("", "Computer-generated invoice.")]
    return lines


def render_brokerage(commission: dict[str, Any], supplier: dict[str, Any] | None,
                     recipient: dict[str, Any] | None) -> bytes:
    number_ = (commission.get("brokerageInvoice") or {}).get("number")
    return render(f"Brokerage invoice {number_}", brokerage_lines(commission, supplier, recipient))

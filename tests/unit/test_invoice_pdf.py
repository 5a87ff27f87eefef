"""functions/contracts/invoice_pdf.py: the GST tax invoice and the brokerage invoice, their lines and the
PDF's text read back (pypdf): numbers, GSTINs, HSN/SAC, the CGST + SGST or IGST split, totals in words,
TDS under 194H, and a cancelled invoice marked as such."""
from __future__ import annotations

import io

from functions.contracts import invoice_pdf

SUPPLIER_GSTIN, RECIPIENT_GSTIN = "27AAAFP5678K1Z3", "24AAACS1234F1Z5"


def _invoice(**overrides):
    invoice = {
        "number": "INV/2526/00007", "invoiceDate": "2025-11-03", "dueDate": "2025-11-18",
        "contractNumber": "SC/25-26/00042", "status": "UNPAID",
        "supplier": {"legalName": "Patel Ginning Factory", "name": "Patel", "gstin": SUPPLIER_GSTIN,
                     "address": {"line1": "12 Cotton Market", "city": "Jalgaon", "state": "Maharashtra",
                                 "pincode": "425001"}},
        "recipient": {"legalName": "श्री गणेश कॉटन मिल्स", "gstin": RECIPIENT_GSTIN},
        "placeOfSupply": "24", "supplierState": "27", "hsnCode": "5201", "description": "Cotton (lint) Shankar-6",
        "quantity": {"value": "100", "unit": "BALE", "kg": "17000"}, "rate": {"amountPaise": 4350055, "unit": "CANDY"},
        "taxableValuePaise": 207949314, "taxType": "INTER_STATE", "gstRatePercent": "5",
        "cgstPaise": 0, "sgstPaise": 0, "igstPaise": 10397466, "totalPaise": 999999999, "reverseCharge": False,
        "paymentTerms": {"code": "CREDIT_15_DAYS", "label": "15 days credit", "days": 15},
    }
    return {**invoice, **overrides}


def _text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _lines(lines) -> str:
    return "\n".join(text.replace("\t", " ") for _, text in lines)


def test_an_inter_state_tax_invoice_shows_igst_and_the_parties():
    text = _lines(invoice_pdf.invoice_lines(_invoice()))
    assert "TAX INVOICE" in text and "Invoice No. INV/2526/00007    Date 2025-11-03" in text
    assert f"GSTIN {SUPPLIER_GSTIN}" in text and f"GSTIN {RECIPIENT_GSTIN}" in text
    assert "Recipient (bill to): श्री गणेश कॉटन मिल्स" in text and "Supplier: Patel Ginning Factory" in text
    assert "Place of supply: Gujarat (24)" in text and "Supplier's state: Maharashtra (27)" in text
    assert "HSN 5201" in text and "Quantity: 100 BALE (17000 kg)" in text
    assert "Taxable value ₹ 20,79,493.14" in text and "IGST @ 5% ₹ 1,03,974.66" in text
    assert "CGST" not in text and "CANCELLED" not in text
    # the invoice's own total (taxable + tax), not its receivable after notes (totalPaise)
    assert "Total invoice value ₹ 21,83,467.80" in text
    assert "In words: Rupees Twenty One Lakh Eighty Three Thousand Four Hundred Sixty Seven and Paise Eighty Only" \
        in text
    assert "Tax payable on reverse charge: No" in text


def test_an_intra_state_invoice_splits_cgst_and_sgst_at_half_the_rate_each():
    lines = invoice_pdf.invoice_lines(_invoice(taxType="INTRA_STATE", placeOfSupply="27", cgstPaise=5198733,
                                               sgstPaise=5198733, igstPaise=0, reverseCharge=True))
    assert ("row", "CGST @ 2.5%\t₹ 51,987.33") in lines and ("row", "SGST @ 2.5%\t₹ 51,987.33") in lines
    text = _lines(lines)
    assert "IGST" not in text and "Place of supply: Maharashtra (27)" in text
    assert "Tax payable on reverse charge: Yes" in text and "payable by the recipient under reverse charge" in text


def test_the_pdf_text_reads_back_and_a_cancelled_invoice_is_marked():
    issued = _text(invoice_pdf.render_invoice(_invoice()))
    assert issued.startswith("TAX INVOICE") and "INV/2526/00007" in issued
    assert SUPPLIER_GSTIN in issued and RECIPIENT_GSTIN in issued and "श्री गणेश कॉटन मिल्स" in issued
    assert "₹ 1,03,974.66" in issued and "₹ 21,83,467.80" in issued and "CANCELLED" not in issued
    cancelled = _text(invoice_pdf.render_invoice(_invoice(status="CANCELLED", cancelReason="Wrong buyer")))
    assert "CANCELLED: Wrong buyer" in cancelled and "INV/2526/00007" in cancelled
    assert cancelled.count("CANCELLED") >= 2            # the heading and the word across the page


def _commission(**document):
    brokerage = {"number": "BRK/2526/00003", "invoiceDate": "2025-11-05", "financialYear": "2025-26",
                 "supplierGstin": "24AAKCR5710M1Z2", "placeOfSupply": "24", "taxType": "INTRA_STATE",
                 "sacCode": "996111", "gstRatePercent": "18", "taxableValuePaise": 1039747,
                 "cgstPaise": 93577, "sgstPaise": 93577, "igstPaise": 0, "totalPaise": 1226901,
                 "tdsSection": "194H", "tdsRatePercent": "2", "tdsBasePaise": 2539747, "tdsPaise": 50800,
                 "netReceivablePaise": 1176101, "yearBrokeragePaise": 2539747, **document}
    return {"contractNumber": "SC/25-26/00042", "side": "BUYER", "basis": "PERCENTAGE", "partnerId": "buyer-1",
            "status": "INVOICED", "brokerageInvoice": brokerage}


ORG = {"legalName": "RNRL Cotton Trading Private Limited", "name": "RNRL Cotton", "pan": "AAKCR5710M",
       "gstin": "24AAKCR5710M1Z2", "address": {"line1": "Cotton House", "city": "Ahmedabad", "state": "Gujarat"}}
BUYER = {"legalName": "Shree Ganesh Cotton Mills", "gstin": RECIPIENT_GSTIN, "code": "BP-000001"}


def test_the_brokerage_invoice_shows_sac_gst_and_the_194h_deduction():
    text = _lines(invoice_pdf.brokerage_lines(_commission(), ORG, BUYER))
    assert "TAX INVOICE - BROKERAGE" in text and "Invoice No. BRK/2526/00003    Date 2025-11-05" in text
    assert "Supplier: RNRL Cotton Trading Private Limited" in text and "GSTIN 24AAKCR5710M1Z2" in text
    assert "PAN AAKCR5710M" in text and "Recipient: Shree Ganesh Cotton Mills" in text
    assert f"GSTIN {RECIPIENT_GSTIN}" in text and "SAC 996111" in text
    assert "buyer side" in text and "SC/25-26/00042" in text and "Place of supply: Gujarat (24)" in text
    assert "CGST @ 9% ₹ 935.77" in text and "SGST @ 9% ₹ 935.77" in text and "IGST" not in text
    assert "Total invoice value ₹ 12,269.01" in text
    assert "TDS under section 194H" in text and "TDS @ 2% on ₹ 25,397.47 -₹ 508.00" in text
    assert "Net receivable after TDS ₹ 11,761.01" in text


def test_below_the_threshold_the_brokerage_invoice_says_no_tds_and_an_inter_state_one_charges_igst():
    commission = _commission(taxType="INTER_STATE", placeOfSupply="27", cgstPaise=0, sgstPaise=0, igstPaise=187154,
                             tdsBasePaise=0, tdsPaise=0, netReceivablePaise=1226901, yearBrokeragePaise=1039747)
    text = _lines(invoice_pdf.brokerage_lines(commission, ORG, None))
    assert "IGST @ 18% ₹ 1,871.54" in text and "CGST" not in text
    assert "No TDS: the brokerage of the year (₹ 10,397.47) is within the ₹ 20,000.00 threshold." in text
    assert "Recipient: buyer-1" in text          # the contract's party unknown: its id, nothing invented
    pdf_text = _text(invoice_pdf.render_brokerage(commission, ORG, BUYER))
    assert "BRK/2526/00003" in pdf_text and "996111" in pdf_text and "₹ 1,871.54" in pdf_text
    assert "24AAKCR5710M1Z2" in pdf_text and RECIPIENT_GSTIN in pdf_text

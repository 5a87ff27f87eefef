"""functions/contracts/pdf.py: rupees grouped the Indian way and the text of the contract note."""
from __future__ import annotations

from functions.contracts import pdf


def test_rupees_are_grouped_the_indian_way():
    assert pdf.rupees(207949314) == "₹ 20,79,493.14"
    assert pdf.rupees(5) == "₹ 0.05"
    assert pdf.rupees(1234567890123) == "₹ 12,34,56,78,901.23"


def test_the_note_names_the_parties_amount_in_words_and_terms():
    content = {"number": "SC/25-26/00042", "contractDate": "2025-11-02", "financialYear": "2025-26",
               "buyer": {"legalName": "श्री गणेश कॉटन", "gstin": "24AAACS1234F1Z5"}, "seller": {"legalName": "Patel"},
               "commodity": {"name": "Cotton (lint)", "hsnCode": "5201"},
               "quantity": {"value": "100", "unit": "BALE", "kg": "17000"},
               "rate": {"amountPaise": 4350055, "unit": "CANDY"}, "valuePaise": 12345600,
               "gst": {"ratePercent": "5", "amountPaise": 617280},
               "terms": {"paymentTerms": {"code": "CREDIT_15_DAYS", "label": "15 days credit", "days": 15}}}
    text = "\n".join(line for _, line in pdf.note_lines(content, 1))
    assert "Contract No. SC/25-26/00042" in text and "Buyer: श्री गणेश कॉटन" in text
    assert "In words: Rupees One Lakh Twenty Three Thousand Four Hundred Fifty Six Only" in text
    assert "GST @ 5%: ₹ 6,172.80" in text and "Payment: 15 days credit (15 days)" in text

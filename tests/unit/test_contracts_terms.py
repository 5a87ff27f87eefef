"""Pure rules of sales contracts: lifecycle table, amounts to the paisa, copied terms, the note's text."""
from __future__ import annotations

from decimal import Decimal

import pytest

from functions.contracts import pdf, states, terms
from shared.errors import Conflict, Unprocessable
from shared.money import Money
from shared.units import Quantity, Unit

COMMODITY = {
    "code": "COTTON", "gstRate": 5.0,
    "paymentTerms": [{"code": "CREDIT_15_DAYS", "label": "15 days credit", "days": 15}],
    "qualityParameters": [{"key": "stapleMm", "label": "Staple", "unit": "mm", "min": 20.0, "max": 40.0}],
    "varieties": [{"code": "SHANKAR-6", "name": "Shankar-6"}],
}


def test_the_lifecycle_allows_what_domain_md_says_and_cancel_needs_a_reason():
    machine = states.CONTRACT
    assert machine.allowed("DRAFT") == {"PENDING_APPROVAL", "CANCELLED"}
    assert machine.can("ACTIVE", "DISPUTED") and machine.can("DISPUTED", "ACTIVE")
    assert machine.can("ACTIVE", "CARRIED_FORWARD") and not machine.can("DRAFT", "ACTIVE")
    assert machine.allowed("CANCELLED") == frozenset()
    with pytest.raises(Unprocessable) as missing:
        machine.ensure("ACTIVE", "CANCELLED", " ")
    assert missing.value.code == "REASON_REQUIRED"
    with pytest.raises(Conflict):
        machine.ensure("COMPLETED", "CANCELLED", "late")


def test_value_goes_through_exact_kg_and_rounds_once():
    # 100 bales at Rs 43,500.55 a candy: 17,000 / 355.62 candy; through 4-decimal candy it would be 2079491.59
    value = terms.contract_value(Quantity.of(100, Unit.BALE), Money.of("43500.55"), Unit.CANDY)
    assert value == Money.of("2079493.14")
    assert terms.contract_value(Quantity.of("12.5", Unit.CANDY), Money.of("0.10"), Unit.CANDY) == Money.of("1.25")
    # a float would round 1.005 × 1 down to 1.00; paise half-up gives 1.01
    assert terms.contract_value(Quantity.of("0.5", Unit.QUINTAL), Money.of("2.01"), Unit.QUINTAL) == Money.of("1.01")


def test_commission_sides_percentage_and_per_bale_with_gst():
    value = Money.of("100000")
    percent = terms.commission_side({"basis": "PERCENTAGE", "percent": 0.5}, value, Quantity.of(10, Unit.BALE),
                                    Decimal("18"))
    assert percent == {"basis": "PERCENTAGE", "percent": "0.5", "amountPaise": 50000, "gstPercent": "18",
                       "gstPaise": 9000}
    per_bale = terms.commission_side({"basis": "PER_BALE", "amountPaise": 2500}, value, Quantity.of(10, Unit.BALE),
                                     Decimal("18"))
    assert per_bale["amountPaise"] == 25000 and per_bale["gstPaise"] == 4500 and per_bale["ratePaise"] == 2500


def test_terms_and_specs_are_copied_and_checked_against_the_commodity():
    picked = terms.pick_terms(COMMODITY, {"paymentTerms": "CREDIT_15_DAYS"})
    assert picked["paymentTerms"] == {"code": "CREDIT_15_DAYS", "label": "15 days credit", "days": 15}
    assert picked["tradeType"] is None
    with pytest.raises(Unprocessable) as unknown:
        terms.pick_terms(COMMODITY, {"paymentTerms": "NEVER"})
    assert unknown.value.code == "UNKNOWN_TERM" and unknown.value.details["allowed"] == ["CREDIT_15_DAYS"]
    specs = terms.quality_specs(COMMODITY, [{"key": "stapleMm", "min": Decimal("28.5"), "max": Decimal("29.5")}])
    assert specs == [{"key": "stapleMm", "label": "Staple", "unit": "mm", "min": "28.5", "max": "29.5"}]
    with pytest.raises(Unprocessable) as out:
        terms.quality_specs(COMMODITY, [{"key": "stapleMm", "min": Decimal("41"), "max": None}])
    assert out.value.code == "PARAMETERS_OUT_OF_RANGE"
    with pytest.raises(Unprocessable):
        terms.pick_variety(COMMODITY, "J-34")


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

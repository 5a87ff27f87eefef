"""functions/contracts/terms.py: contract value to the paisa, commission sides, copied terms, specs and variety."""
from __future__ import annotations

from decimal import Decimal

import pytest

from functions.contracts import terms
from shared.errors import Unprocessable
from shared.money import Money
from shared.units import Quantity, Unit

COMMODITY = {
    "code": "COTTON", "gstRate": 5.0,
    "paymentTerms": [{"code": "CREDIT_15_DAYS", "label": "15 days credit", "days": 15}],
    "qualityParameters": [{"key": "stapleMm", "label": "Staple", "unit": "mm", "min": 20.0, "max": 40.0}],
    "varieties": [{"code": "SHANKAR-6", "name": "Shankar-6"}],
}


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

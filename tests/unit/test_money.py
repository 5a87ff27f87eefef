"""shared/money.py: paise, half-up rounding, the API amount type and amounts in words."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from shared.models import ApiModel
from shared.money import MAX_RUPEES, ApiAmount, Money, SignedApiAmount, api_amount, money_sum, to_words


class Priced(ApiModel):
    amount: ApiAmount


class Balance(ApiModel):
    amount: SignedApiAmount


@pytest.mark.parametrize(("rupees", "paise", "float_paise"), [
    ("1.15", 115, int(1.15 * 100)),                 # float: 114.99999999999999 → 114
    ("2.675", 268, round(round(2.675, 2) * 100)),    # half-up; round(2.675, 2) is 2.67 (2.67499999...)
    ("1.005", 101, round(1.005 * 100)),             # float: 100.49999999999999 → 100
    ("0.285", 29, round(0.285 * 100)),              # float: 28.499999999999996 → 28
    ("43500.505", 4350051, None),
    ("-1.005", -101, None),                         # half-up is away from zero on ties
    ("0.004", 0, None),
    (100, 10000, None),
])
def test_rupees_to_paise_round_half_up_where_a_float_goes_wrong(rupees, paise, float_paise):
    assert Money.of(rupees).paise == paise
    assert Money.of(Decimal(str(rupees))) == Money.from_paise(paise)
    if float_paise is not None:
        assert float_paise != paise, "the example must be one a float gets wrong"


def test_money_is_never_built_from_a_float_or_bool():
    for bad in (0.1, 1.0, True):
        with pytest.raises(TypeError):
            Money.of(bad)
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money.of("twelve")
    with pytest.raises(ValueError):
        Money.of(Decimal("NaN"))


def test_arithmetic_is_exact_and_times_rounds_once_at_the_end():
    assert Money.of("0.10") + Money.of("0.20") == Money.of("0.30")         # 0.1 + 0.2 != 0.3 in floats
    assert Money.of("10") - Money.of("0.01") == Money.from_paise(999)
    assert -Money.of("5") == Money.from_paise(-500)
    # 5% GST on Rs 10.10 is 0.505 → 0.51 (half-up), not 0.50 (banker's or float rounding).
    assert Money.of("10.10").percent(5) == Money.of("0.51")
    assert Money.of("10.10").percent(Decimal("5")) == Money.from_paise(51)
    # 0.1% TDS (194Q) on Rs 50,00,001.50 → 5000.0015 → 5000.00.
    assert Money.of("5000001.50").percent("0.1") == Money.of("5000.00")
    # Rate × quantity: Rs 43,512.75 per candy × 2.0919 candies = 91024.321725 → 91024.32.
    assert Money.of("43512.75").times(Decimal("2.0919")) == Money.of("91024.32")
    assert Money.of("1").times(Decimal("0.335")) == Money.of("0.34")
    with pytest.raises(TypeError):
        Money.of("1").times(1.5)


def test_comparisons_rupees_zero_and_sum():
    assert Money.of("1.01") > Money.of("1") > Money.zero()
    assert sorted([Money.of("3"), Money.of("1"), Money.of("2")]) == [Money.of("1"), Money.of("2"), Money.of("3")]
    assert Money.from_paise(4350050).rupees == Decimal("43500.50")
    assert str(Money.from_paise(-5).rupees) == "-0.05"
    assert not Money.zero() and Money.of("0.01")
    assert money_sum([Money.of("0.10")] * 3) == Money.of("0.30")
    assert money_sum([]) == Money.zero()
    assert api_amount(Money.from_paise(123)) == Decimal("1.23")


@pytest.mark.parametrize(("sent", "decimal_value", "json_text"), [
    ("43500.1", Decimal("43500.1"), "43500.1"),
    ("0.1", Decimal("0.1"), "0.1"),
    ("1.15", Decimal("1.15"), "1.15"),
    ("100", Decimal("100"), "100"),
    ("100.00", Decimal("100.00"), "100"),
    ("9999999999999.99", Decimal("9999999999999.99"), "9999999999999.99"),
    ("12345678.07", Decimal("12345678.07"), "12345678.07"),
])
def test_api_amount_takes_a_json_number_exactly_and_writes_it_back_as_a_number(sent, decimal_value, json_text):
    model = Priced.model_validate(json.loads(f'{{"amount": {sent}}}'))
    assert model.amount == decimal_value and isinstance(model.amount, Decimal)
    text = json.dumps(model.model_dump(mode="json", by_alias=True), separators=(",", ":"))
    assert text == f'{{"amount":{json_text}}}'
    assert Money.of(model.amount) == Money.of(decimal_value)


@pytest.mark.parametrize("sent", ["1.005", "2.675", "0.001", "-1", "10000000000000", "true", '"abc"', "null"])
def test_api_amount_refuses_more_than_two_decimals_negatives_and_non_numbers(sent):
    with pytest.raises(ValidationError):
        Priced.model_validate(json.loads(f'{{"amount": {sent}}}'))


def test_api_amount_refuses_three_decimals_with_422_through_the_pipeline():
    from shared.errors import Unprocessable
    from shared.http.pipeline import validate

    with pytest.raises(Unprocessable) as caught:
        validate(Priced, json.loads('{"amount": 43500.125}'))
    assert caught.value.status == 422
    assert caught.value.details["fields"][0]["field"] == "amount"


def test_signed_amount_takes_negatives_and_the_schema_says_number():
    assert Balance.model_validate({"amount": -12.5}).amount == Decimal("-12.5")
    schema = Priced.model_json_schema()["properties"]["amount"]
    assert schema["type"] == "number" and schema["minimum"] == 0 and schema["maximum"] == float(MAX_RUPEES)


@pytest.mark.parametrize(("paise", "words"), [
    (0, "Rupees Zero Only"),
    (100, "Rupees One Only"),
    (1_234_567_800 + 78, "Rupees One Crore Twenty Three Lakh Forty Five Thousand Six Hundred Seventy Eight"
                        " and Paise Seventy Eight Only"),
    (12_345_678, "Rupees One Lakh Twenty Three Thousand Four Hundred Fifty Six and Paise Seventy Eight Only"),
    (4_350_000, "Rupees Forty Three Thousand Five Hundred Only"),
    (10_000_000_000_000, "Rupees Ten Thousand Crore Only"),
    (1_119_000, "Rupees Eleven Thousand One Hundred Ninety Only"),
    (5, "Rupees Zero and Paise Five Only"),
    (-250, "Minus Rupees Two and Paise Fifty Only"),
])
def test_amount_in_words_uses_lakh_and_crore(paise, words):
    assert to_words(Money.from_paise(paise)) == words

"""shared/validators.py: each rule accepts the valid form, normalizes it, and names the rule it breaks."""
from __future__ import annotations

import random
import string

import pytest

from shared import validators as v
from shared.errors import Unprocessable
from shared.reference_data import gst_state_codes, state_by_code, state_by_name

ALNUM = string.digits + string.ascii_uppercase


def make_gstin(state: str, pan: str, entity: str = "1", fourteenth: str = "Z") -> str:
    first14 = f"{state}{pan}{entity}{fourteenth}"
    return first14 + v.gstin_check_char(first14)


def rule_of(call, *args) -> str:
    with pytest.raises(v.InvalidValue) as caught:
        call(*args)
    return caught.value.rule


# PAN

@pytest.mark.parametrize("raw, expected", [
    ("AAPFU0939F", "AAPFU0939F"), (" aapfu0939f ", "AAPFU0939F"), ("ABCPD1234E", "ABCPD1234E"),
    ("AAKCR 5710M", "AAKCR5710M"),
])
def test_pan_accepts_and_normalizes(raw, expected):
    assert v.pan(raw) == expected


@pytest.mark.parametrize("raw", ["AAPFU0939", "AAPFU09391", "1APFU0939F", "AAPFU093AF", "", None, 42])
def test_pan_format_rejected(raw):
    assert rule_of(v.pan, raw) == "pan_format"


def test_pan_holder_type_is_the_fourth_letter():
    for holder in "PCHFATBLJG":
        assert v.pan(f"ABC{holder}D1234E")[3] == holder
    for holder in "DEIKMNOQRSUVWXYZ":
        assert rule_of(v.pan, f"ABC{holder}D1234E") == "pan_holder_type"


# GSTIN

@pytest.mark.parametrize("number", ["27AAPFU0939F1ZV", "29AAHCK3507G1ZJ", "29ADFPG4253M1ZA"])
def test_gstin_published_examples_are_valid(number):
    assert v.gstin(number) == number
    assert v.gstin(number.lower()) == number


def test_gstin_check_character_matches_the_published_examples():
    assert v.gstin_check_char("27AAPFU0939F1Z") == "V"
    assert v.gstin_check_char("29AAHCK3507G1Z") == "J"
    assert v.gstin_check_char("29ADFPG4253M1Z") == "A"


def test_own_check_character_agrees_with_stdnum_on_random_gstins():
    from stdnum.in_ import gstin as stdnum_gstin

    rng = random.Random(7)
    for _ in range(500):
        state = f"{rng.randint(1, 37):02d}"
        letters = "".join(rng.choices(string.ascii_uppercase, k=5))
        pan = f"{letters[:3]}{rng.choice('PCHFATBLJG')}{letters[3]}{rng.randint(1, 9999):04d}{letters[4]}"
        first14 = f"{state}{pan}{rng.choice(ALNUM[1:])}Z"
        right = v.gstin_check_char(first14)
        assert stdnum_gstin.is_valid(first14 + right), first14
        wrong = ALNUM[(ALNUM.index(right) + rng.randint(1, 35)) % 36]
        assert not stdnum_gstin.is_valid(first14 + wrong)


def test_gstin_with_state_code_38_and_the_right_check_character_is_accepted():
    number = make_gstin("38", "ABCPL1234K")
    assert v.gstin(number) == number
    assert v.gstin_pan(number) == "ABCPL1234K"
    assert state_by_code(number[:2]).name == "Ladakh"


def test_gstin_with_state_code_38_and_a_wrong_check_character_is_rejected():
    number = make_gstin("38", "ABCPL1234K")
    wrong = number[:14] + ("0" if number[14] != "0" else "1")
    assert rule_of(v.gstin, wrong) == "gstin_check_digit"


def test_gstin_bad_check_digit():
    assert rule_of(v.gstin, "27AAPFU0939F1ZW") == "gstin_check_digit"
    assert rule_of(v.gstin, "07AAAAA0000A1Z8") == "gstin_check_digit"


@pytest.mark.parametrize("state", ["00", "39", "40", "99", "25", "28"])
def test_gstin_bad_state_code(state):
    number = make_gstin(state, "AAPFU0939F")
    assert rule_of(v.gstin, number) == "gstin_state_code"


@pytest.mark.parametrize("number", ["27AAPFU0939F1Z", "27AAPFU0939F1ZVX", "AAAAPFU0939F1ZV", "27AAPFU0939F0ZV",
                                    "27AAPFU0939F1Z#", "", None])
def test_gstin_format(number):
    assert rule_of(v.gstin, number) == "gstin_format"


def test_gstin_embedded_pan_must_be_a_pan():
    assert rule_of(v.gstin, make_gstin("24", "AAPXU0939F")) == "gstin_pan_format"
    assert rule_of(v.gstin, make_gstin("24", "AAPF10939F")) == "gstin_pan_format"


def test_gstin_entity_and_fourteenth_character_other_than_z_use_our_check():
    number = make_gstin("24", "AAKCR5710M", entity="B", fourteenth="Y")
    assert v.gstin(number) == number


def test_gstin_pan_mismatch():
    number = make_gstin("24", "AAKCR5710M")
    assert v.gstin_matching_pan(number, "aakcr5710m") == number
    assert rule_of(v.gstin_matching_pan, number, "AAKCR5710N") == "gstin_pan_mismatch"


def test_every_state_code_in_states_csv_is_accepted():
    codes = gst_state_codes()
    assert {"01", "24", "27", "37", "38"} <= codes and len(codes) == 36
    for code in codes:
        assert v.gstin_state_code(make_gstin(code, "AAKCR5710M")) == code


def test_state_lookup_by_alias():
    assert state_by_name("guj").gst_code == "24"
    assert state_by_name("Orissa").name == "Odisha"
    assert state_by_name("Atlantis") is None


# IFSC, pincode, mobile, email, TAN, CIN, bank account

@pytest.mark.parametrize("raw, expected", [("SBIN0001234", "SBIN0001234"), ("hdfc0abc123", "HDFC0ABC123")])
def test_ifsc_valid(raw, expected):
    assert v.ifsc(raw) == expected


@pytest.mark.parametrize("raw", ["SBIN1001234", "SBI00001234", "SBIN000123", "SBIN00012345", "S1IN0001234", ""])
def test_ifsc_rejected(raw):
    assert rule_of(v.ifsc, raw) == "ifsc_format"


@pytest.mark.parametrize("raw, expected", [("380015", "380015"), ("360 001", "360001"), (411001, "411001")])
def test_pincode_valid(raw, expected):
    assert v.pincode(raw) == expected


@pytest.mark.parametrize("raw", ["012345", "38001", "3800155", "38001A", ""])
def test_pincode_rejected(raw):
    assert rule_of(v.pincode, raw) == "pincode_format"


@pytest.mark.parametrize("raw", ["9876543210", "+91 98765 43210", "+91-9876543210", "09876543210", "919876543210",
                                 "0091 9876543210"])
def test_mobile_normalized_to_e164(raw):
    assert v.mobile(raw) == "+919876543210"


@pytest.mark.parametrize("raw", ["5876543210", "987654321", "98765432101", "+1 9876543210", "+9198765432", "abc"])
def test_mobile_rejected(raw):
    assert rule_of(v.mobile, raw) == "mobile_format"


def test_email_case_folded():
    assert v.email("  Ramesh.Patel@Example.CO.IN ") == "ramesh.patel@example.co.in"


@pytest.mark.parametrize("raw", ["ramesh", "ramesh@", "@example.com", "ramesh@example", "a b@example.com",
                                 "a@@example.com", "x" * 65 + "@example.com"])
def test_email_rejected(raw):
    assert rule_of(v.email, raw) == "email_format"


def test_tan():
    assert v.tan("ahma12345b") == "AHMA12345B"
    assert rule_of(v.tan, "AHM123456B") == "tan_format"


def test_cin():
    assert v.cin("u51100gj2010ptc012345") == "U51100GJ2010PTC012345"
    assert rule_of(v.cin, "X51100GJ2010PTC012345") == "cin_format"
    assert rule_of(v.cin, "U51100GJ1010PTC012345") == "cin_format"
    assert rule_of(v.cin, "U51100GJ2010PTC01234") == "cin_format"


def test_bank_account():
    assert v.bank_account("0123 4567 8901") == "012345678901"
    assert rule_of(v.bank_account, "12345678") == "bank_account_format"
    assert rule_of(v.bank_account, "1234567890123456789") == "bank_account_format"


# turning errors into 422s

def test_field_error_for_names_field_and_rule():
    try:
        v.ifsc("nope")
    except v.InvalidValue as error:
        api_error = v.field_error_for("bankAccounts.0.ifsc", error)
    assert isinstance(api_error, Unprocessable) and api_error.status == 422
    assert api_error.details["fields"] == [
        {"field": "bankAccounts.0.ifsc", "message": api_error.message, "rule": "ifsc_format"}]


def test_field_errors_collects_every_invalid_field():
    errors = v.FieldErrors()
    assert errors.check("pan", v.pan, "bad") is None
    assert errors.check("ifsc", v.ifsc, "SBIN0001234") == "SBIN0001234"
    assert errors.check("address.pincode", v.pincode, "012345") is None
    with pytest.raises(Unprocessable) as caught:
        errors.raise_if_any()
    fields = caught.value.details["fields"]
    assert [f["field"] for f in fields] == ["pan", "address.pincode"]
    assert [f["rule"] for f in fields] == ["pan_format", "pincode_format"]


def test_field_errors_without_errors_does_not_raise():
    errors = v.FieldErrors()
    errors.check("pan", v.pan, "AAPFU0939F")
    errors.raise_if_any()
    assert not errors

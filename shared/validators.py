"""Indian identity numbers and contact details: pure validators shared by every group.

Each validator takes the raw input and returns the normalized value (upper case, separators removed,
E.164 for mobiles, case-folded e-mail) or raises `InvalidValue` carrying the rule it broke. Routes turn
those into 422 answers naming the field and the rule with `field_error_for` or `FieldErrors`.

Rules (the `rule` of the error): pan_format, pan_holder_type, gstin_format, gstin_state_code,
gstin_pan_format, gstin_check_digit, gstin_pan_mismatch, ifsc_format, pincode_format, mobile_format,
email_format, tan_format, cin_format, bank_account_format.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from shared.errors import Unprocessable, field_error
from shared.reference_data import state_by_code

T = TypeVar("T")

PAN_HOLDER_TYPES = {
    "P": "person", "C": "company", "H": "HUF", "F": "firm", "A": "association of persons",
    "T": "trust", "B": "body of individuals", "L": "local authority",
    "J": "artificial juridical person", "G": "government",
}
GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# python-stdnum 2.2 knows the state codes up to 37 (and rejects 38, Ladakh) and insists on `Z` in
# position 14; outside that it is not asked and our own check character decides.
_STDNUM_MAX_STATE = 37

_PAN = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
_GSTIN = re.compile(r"^[0-9]{2}[A-Z0-9]{10}[1-9A-Z][0-9A-Z][0-9A-Z]$")
_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_PINCODE = re.compile(r"^[1-9][0-9]{5}$")
_MOBILE = re.compile(r"^[6-9][0-9]{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
_TAN = re.compile(r"^[A-Z]{4}[0-9]{5}[A-Z]$")
_CIN = re.compile(r"^[LU][0-9]{5}[A-Z]{2}([0-9]{4})[A-Z]{3}[0-9]{6}$")
_BANK_ACCOUNT = re.compile(r"^[0-9]{9,18}$")
_SEPARATORS = re.compile(r"[\s\-./]+")


class InvalidValue(ValueError):
    """A value that breaks one rule; `rule` is a stable machine name, `message` a human sentence."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _text(value: Any, rule: str, what: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(rule, f"{what} is required")
    return value


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def pan(value: Any) -> str:
    """PAN `AAAAA9999A`; the 4th letter is the holder type (P, C, H, F, A, T, B, L, J, G)."""
    number = _compact(_text(value, "pan_format", "PAN"))
    if not _PAN.match(number):
        raise InvalidValue("pan_format", "PAN must be 5 letters, 4 digits and a letter (AAAAA9999A)")
    if number[3] not in PAN_HOLDER_TYPES:
        raise InvalidValue("pan_holder_type",
                           f"The 4th letter of a PAN is the holder type ({', '.join(PAN_HOLDER_TYPES)}), "
                           f"not {number[3]}")
    return number


def gstin_check_char(first14: str) -> str:
    """The 15th character of a GSTIN from its first 14 (Luhn mod 36, domain/cotton.md)."""
    total = 0
    for index, char in enumerate(first14.upper()):
        value = GSTIN_ALPHABET.index(char)
        if index % 2 == 1:
            value *= 2
        total += value // 36 + value % 36
    return GSTIN_ALPHABET[(36 - total % 36) % 36]


def _stdnum_checksum_ok(number: str) -> bool | None:
    """stdnum's verdict on the check character, or None where stdnum 2.2 cannot judge this GSTIN."""
    if int(number[:2]) > _STDNUM_MAX_STATE or number[13] != "Z":
        return None
    from stdnum.exceptions import InvalidChecksum, ValidationError
    from stdnum.in_ import gstin as stdnum_gstin

    try:
        stdnum_gstin.validate(number)
    except InvalidChecksum:
        return False
    except ValidationError:
        return None
    return True


def gstin(value: Any) -> str:
    """GSTIN: state code (01-38, states.csv) + PAN + entity number + a character + check character."""
    number = _compact(_text(value, "gstin_format", "GSTIN"))
    if len(number) != 15 or not _GSTIN.match(number):
        raise InvalidValue("gstin_format", "GSTIN must be 15 characters: 2-digit state code, PAN, "
                                           "entity number, a letter or digit and a check character")
    if state_by_code(number[:2]) is None:
        raise InvalidValue("gstin_state_code", f"{number[:2]} is not a GST state code (01-38)")
    try:
        pan(number[2:12])
    except InvalidValue as error:
        raise InvalidValue("gstin_pan_format", f"Characters 3-12 of a GSTIN must be a PAN: {error.message}") from None
    verdict = _stdnum_checksum_ok(number)
    if verdict is None:
        verdict = gstin_check_char(number[:14]) == number[14]
    if not verdict:
        raise InvalidValue("gstin_check_digit", "The GSTIN's check character is wrong (mistyped?)")
    return number


def gstin_pan(value: Any) -> str:
    """The PAN embedded in a (valid) GSTIN."""
    return gstin(value)[2:12]


def gstin_state_code(value: Any) -> str:
    return gstin(value)[:2]


def gstin_matching_pan(gstin_value: Any, pan_value: Any) -> str:
    """A valid GSTIN whose embedded PAN equals `pan_value` (gstin_pan_mismatch otherwise)."""
    number = gstin(gstin_value)
    if number[2:12] != _compact(str(pan_value or "")):
        raise InvalidValue("gstin_pan_mismatch", "The PAN inside the GSTIN differs from the PAN")
    return number


def ifsc(value: Any) -> str:
    """IFSC `AAAA0XXXXXX`: bank code, a zero, branch code."""
    code = _compact(_text(value, "ifsc_format", "IFSC"))
    if not _IFSC.match(code):
        raise InvalidValue("ifsc_format", "IFSC must be 4 letters, a zero and 6 letters or digits (AAAA0XXXXXX)")
    return code


def pincode(value: Any) -> str:
    """Indian PIN code: 6 digits, the first not 0."""
    code = re.sub(r"\s+", "", _text(value, "pincode_format", "PIN code"))
    if not _PINCODE.match(code):
        raise InvalidValue("pincode_format", "PIN code must be 6 digits and not start with 0")
    return code


def mobile(value: Any) -> str:
    """Indian mobile: 10 digits starting 6-9, with or without +91 / 0; returned as E.164 `+91XXXXXXXXXX`."""
    raw = re.sub(r"[\s\-()]+", "", _text(value, "mobile_format", "Mobile number"))
    if raw.startswith("+"):
        if not raw.startswith("+91"):
            raise InvalidValue("mobile_format", "Only Indian mobile numbers (+91) are accepted")
        digits = raw[3:]
    elif raw.startswith("0091"):
        digits = raw[4:]
    elif len(raw) == 12 and raw.startswith("91"):
        digits = raw[2:]
    elif len(raw) == 11 and raw.startswith("0"):
        digits = raw[1:]
    else:
        digits = raw
    if not _MOBILE.match(digits):
        raise InvalidValue("mobile_format", "Mobile number must be 10 digits starting with 6, 7, 8 or 9")
    return f"+91{digits}"


def email(value: Any) -> str:
    """A plausible e-mail address, case-folded (the login name is case-insensitive)."""
    address = _text(value, "email_format", "E-mail").strip().casefold()
    local = address.rpartition("@")[0]
    if len(address) > 254 or len(local) > 64 or not _EMAIL.match(address):
        raise InvalidValue("email_format", "E-mail address is not valid")
    return address


def tan(value: Any) -> str:
    """TAN (tax deduction account number) `AAAA99999A`."""
    number = _compact(_text(value, "tan_format", "TAN"))
    if not _TAN.match(number):
        raise InvalidValue("tan_format", "TAN must be 4 letters, 5 digits and a letter (AAAA99999A)")
    return number


def cin(value: Any) -> str:
    """Company identification number: L/U, industry code, state, year, ownership, registration number."""
    number = _compact(_text(value, "cin_format", "CIN"))
    match = _CIN.match(number)
    if not match or not 1850 <= int(match.group(1)) <= 2100:
        raise InvalidValue("cin_format", "CIN must be 21 characters like U51100GJ2010PTC012345")
    return number


def bank_account(value: Any) -> str:
    """Bank account number: 9 to 18 digits."""
    number = re.sub(r"[\s\-]+", "", _text(value, "bank_account_format", "Account number"))
    if not _BANK_ACCOUNT.match(number):
        raise InvalidValue("bank_account_format", "Account number must be 9 to 18 digits")
    return number


def field_error_for(field: str, error: InvalidValue) -> Unprocessable:
    """The 422 for one invalid field: details.fields = [{field, message, rule}]."""
    return field_error(field, error.message, rule=error.rule)


class FieldErrors:
    """Collects invalid fields so one 422 lists all of them.

        errors = FieldErrors()
        body_pan = errors.check("pan", validators.pan, body.pan)
        errors.raise_if_any()
    """

    def __init__(self) -> None:
        self.entries: list[dict[str, str]] = []

    def add(self, field: str, message: str, rule: str) -> None:
        self.entries.append({"field": field, "message": message, "rule": rule})

    def check(self, field: str, validator: Callable[..., T], *args: Any) -> T | None:
        try:
            return validator(*args)
        except InvalidValue as error:
            self.add(field, error.message, error.rule)
            return None

    def __bool__(self) -> bool:
        return bool(self.entries)

    def raise_if_any(self) -> None:
        if not self.entries:
            return
        first = self.entries[0]
        message = first["message"] if len(self.entries) == 1 else "The request has invalid fields"
        raise Unprocessable("VALIDATION_FAILED", message, {"fields": list(self.entries)})

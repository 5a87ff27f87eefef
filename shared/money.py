"""Money in Indian rupees: integer paise, Decimal arithmetic, half-up to the paisa (DESIGN.md §6).

`Money` is what services compute with and what Firestore stores (`paise`, an int). `ApiAmount` is the
pydantic type of an amount in the API: a number of rupees with at most two decimals. No arithmetic ever
sees a float: `Money.of(0.1)` is refused, and a JSON number becomes the Decimal of the literal the
client wrote (see `_exact_decimal`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

PAISA = Decimal("0.01")
HUNDRED = Decimal(100)
# The largest amount the API takes (just under Rs 10 lakh crore): 15 significant digits at most, which
# is what a JSON number survives exactly in every client (an IEEE double holds 15 decimal digits).
MAX_RUPEES = Decimal("9999999999999.99")


def _decimal(value: Decimal | str | int) -> Decimal:
    if isinstance(value, (bool, float)):
        raise TypeError(f"money is never built from {type(value).__name__}; pass a Decimal, str or int")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation as error:
            raise ValueError(f"not an amount: {value!r}") from error
    else:
        raise TypeError(f"money is never built from {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return result


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount of INR as integer paise. Arithmetic keeps it exact; only `times`/`percent` round."""

    paise: int

    def __post_init__(self) -> None:
        if isinstance(self.paise, bool) or not isinstance(self.paise, int):
            raise TypeError("Money.paise must be an int")

    @classmethod
    def of(cls, rupees: Decimal | str | int) -> Money:
        """Rupees (e.g. `Decimal("43500.505")`, `"1.15"`, `100`) → paise, half-up to the paisa."""
        return cls(int((_decimal(rupees) * HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP)))

    @classmethod
    def from_paise(cls, paise: int) -> Money:
        return cls(paise)

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @property
    def rupees(self) -> Decimal:
        """The amount in rupees with exactly two decimals (`Decimal("43500.50")`)."""
        return (Decimal(self.paise) / HUNDRED).quantize(PAISA)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.paise + other.paise)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.paise - other.paise)

    def __neg__(self) -> Money:
        return Money(-self.paise)

    def __bool__(self) -> bool:
        return self.paise != 0

    def times(self, factor: Decimal | str | int) -> Money:
        """This amount × `factor` (a rate, a quantity), rounded half-up to the paisa once, at the end."""
        exact = Decimal(self.paise) * _decimal(factor)
        return Money(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))

    def percent(self, rate: Decimal | str | int) -> Money:
        """`rate` per cent of this amount (GST 5 → 5%, TDS "0.1" → 0.1%), half-up to the paisa."""
        return self.times(_decimal(rate) / HUNDRED)

    def is_negative(self) -> bool:
        return self.paise < 0

    def __str__(self) -> str:
        return f"Rs {self.rupees}"


def money_sum(amounts: Any) -> Money:
    """The sum of an iterable of Money (Money.zero() when empty)."""
    total = 0
    for amount in amounts:
        total += amount.paise
    return Money(total)


# --- API amounts --------------------------------------------------------------------------------

def _exact_decimal(value: Any) -> Any:
    """An API amount as a Decimal, never through a float.

    `json.loads` gives a JSON number as a float. Its shortest repr is the literal the client wrote (for
    up to 15 significant digits, which MAX_RUPEES keeps us within), so `Decimal(repr(x))` is exact where
    `Decimal(x)` would bring in the binary error (0.1 → 0.1000000000000000055...); "43500.005" stays
    three decimals and is refused.
    """
    if isinstance(value, bool):
        raise ValueError("an amount is a number")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


def _as_json_number(value: Decimal, info: Any) -> Any:
    """Two-decimal Decimal → JSON number. In JSON mode pydantic would write a Decimal as a string, so
    the value is handed over as an int when whole and otherwise as the nearest double, whose shortest
    repr (what `json.dumps` writes) is exactly this decimal text: at most 15 significant digits."""
    if info.mode != "json":
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)


ApiAmount = Annotated[
    Decimal,
    BeforeValidator(_exact_decimal),
    Field(ge=0, le=MAX_RUPEES, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(_as_json_number, when_used="always"),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": float(MAX_RUPEES), "multipleOf": 0.01}),
]
"""An amount in rupees in the API: a JSON number, at least 0, at most two decimals (more → 422)."""

SignedApiAmount = Annotated[
    Decimal,
    BeforeValidator(_exact_decimal),
    Field(ge=-MAX_RUPEES, le=MAX_RUPEES, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(_as_json_number, when_used="always"),
    WithJsonSchema({"type": "number", "minimum": -float(MAX_RUPEES), "maximum": float(MAX_RUPEES),
                    "multipleOf": 0.01}),
]
"""An amount that may be negative (a balance, a debit/credit difference)."""


def api_amount(money: Money) -> Decimal:
    """Money → the Decimal an ApiAmount field holds."""
    return money.rupees


# --- amounts in words (contract notes, invoices) ------------------------------------------------

_ONES = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
         "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen")
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_ONES[hundreds]} Hundred"] if hundreds else []
    if rest:
        parts.append(_below_hundred(rest))
    return " ".join(parts)


def _indian_words(n: int) -> str:
    """A whole number in words in the Indian system (thousand, lakh, crore; crores may repeat)."""
    if n == 0:
        return "Zero"
    crores, rest = divmod(n, 10_000_000)
    lakhs, rest = divmod(rest, 100_000)
    thousands, rest = divmod(rest, 1000)
    parts = []
    if crores:
        parts.append(f"{_indian_words(crores)} Crore")
    if lakhs:
        parts.append(f"{_below_hundred(lakhs)} Lakh")
    if thousands:
        parts.append(f"{_below_hundred(thousands)} Thousand")
    if rest:
        parts.append(_below_thousand(rest))
    return " ".join(parts)


def to_words(amount: Money) -> str:
    """`Rupees One Lakh Twenty Three Thousand Four Hundred Fifty Six and Paise Seventy Eight Only`."""
    rupees, paise = divmod(abs(amount.paise), 100)
    words = f"Rupees {_indian_words(rupees)}"
    if paise:
        words += f" and Paise {_below_hundred(paise)}"
    words += " Only"
    return f"Minus {words}" if amount.paise < 0 else words

"""Indian number forms in chat messages: `1,200`, `1,50,000`, `56.5k`, `1.5 lakh`, `56,500/-`."""
from __future__ import annotations

import re

# A multiplier written after the number.
MULTIPLIER = r"(?:\s?k\b|\s?(?:lakhs?|lacs?|lakh|lac)\b)"

_MULTIPLIERS = {"k": 1_000, "lakh": 100_000, "lakhs": 100_000, "lac": 100_000, "lacs": 100_000}

Number = int | float


def amount_pattern(name: str) -> str:
    """Regex source of one amount with named groups `<name>` (digits), `<name>_x` (multiplier) and
    `<name>_s` (a `/-` suffix).

    The amount does not start inside another number, and a trailing `/-` (rupees, no paise) is part
    of it, so `56,500/-` is one amount.
    """
    # Written digit-first (the look-behinds check the character before it) so that the regex engine
    # can skip quickly to the next digit.
    return (rf"(?P<{name}>\d(?<![\d,]\d)(?<!\d\.\d)(?:\d{{0,2}}(?:,\d{{2,3}})+|\d*)(?:\.\d+)?)"
            rf"(?P<{name}_x>{MULTIPLIER})?(?P<{name}_s>\s?/-)?")


def multiplier_of(word: str | None) -> int:
    """1000 for `k`, 100000 for `lakh`/`lac`, 1 for nothing."""
    if not word:
        return 1
    return _MULTIPLIERS.get(word.strip().lower(), 1)


def to_number(digits: str, multiplier: str | None = None) -> Number:
    """`'1,50,000'` -> 150000, `('56.5', 'k')` -> 56500, `('1.05', ' lakh')` -> 105000.

    Whole results are returned as int, others as float rounded to 4 places.
    """
    value = float(digits.replace(",", "")) * multiplier_of(multiplier)
    return tidy(value)


def tidy(value: float) -> Number:
    """An int when the value is whole (500.0 -> 500), else the float rounded to 4 places."""
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


def group_number(match: re.Match[str], name: str) -> Number | None:
    """The amount captured by `amount_pattern(name)` in `match`, or None when that group is empty."""
    digits = match.group(name)
    if digits is None:
        return None
    return to_number(digits, match.group(f"{name}_x"))

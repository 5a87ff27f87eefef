"""Quantities (CONVENTIONS.md, Units): a count followed by a unit word (`500 bales`, `300b`, `2k bales`,
`1.5 lakh kg`, `1,000 man`). Truck loads (`2 gaadi`) are not a unit."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .numbers import Number, amount_pattern, group_number
from .text import Scan
from .units import TRUCK_WORDS, Unit, quantity_unit


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    return {
        # a count and the word after it (checked against the unit words in Python: cheaper than a
        # long alternation tried at every digit)
        "quantity": re.compile(
            rf"{amount_pattern('lo')}(?:\s*(?:-|\bto\b|\bse\b)\s*{amount_pattern('hi')})?\s*(?P<unit>[a-z]+)\b",
            flags),
        "per": re.compile(r"(?:/|\bper\b|\bprati\b)\s*$", flags),
    }


@dataclass
class Quantity:
    value: Number
    unit: Unit
    text: str = ""


def extract_quantity(scan: Scan, warnings: list[str]) -> tuple[Quantity | None, list[Quantity]]:
    """The first count with a unit, and the other counts with units after it (one may be a price
    written without Rs or per, as in `40 ton ... 7,350 qtl`)."""
    patterns = _patterns()
    others: list[Quantity] = []
    found: Quantity | None = None
    for match in patterns["quantity"].finditer(scan.work):
        if match.group("unit").lower() in TRUCK_WORDS:
            warnings.append(f"'{match.group()}': truck loads are not a unit; quantity left empty")
            scan.take_match(match)
            continue
        if patterns["per"].search(scan.work, max(0, match.start() - 6), match.start()):
            continue
        unit = quantity_unit(match.group("unit"))
        low, high = group_number(match, "lo"), group_number(match, "hi")
        if unit is None or not low:
            continue
        scan.take_match(match)
        if found is not None:
            if (low, unit) != (found.value, found.unit):
                others.append(Quantity(low, unit, match.group()))
            continue
        if high is not None:
            low = min(low, high)
            warnings.append(f"quantity range '{match.group()}'; used the lower {low}")
        found = Quantity(low, unit, match.group())
    return found, others

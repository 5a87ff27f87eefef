"""Prices (CONVENTIONS.md, Price): an amount or range introduced by Rs/₹/@/rate/at or followed by a
per-unit word, `c` or `/-`; ceilings and floors keep the amount with no maximum."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .numbers import Number, amount_pattern, group_number, to_number
from .quantity import Quantity
from .text import Scan
from .units import Unit, price_unit

_LIMIT_WORDS = r"upto|up\s?to|max(?:imum)?|below|under|above|over|min(?:imum)?|around|approx|about"
_MARK_WORDS = r"rate|price|bhav|bhaav|asking|ask|bid|at|quoted?|offer(?:ed)?\s+at"
_LIMIT = rf"\b(?:{_LIMIT_WORDS})\b\.?|~|>=?|<=?"
_CURRENCY = r"₹|\brs\.?(?![a-z])|\binr\b"
_STRONG_MARKS = frozenset({"@", "rate", "price", "bhav", "bhaav"})

# Usual ranges per unit, only to warn about an unlikely reading.
_USUAL: dict[str, tuple[float, float]] = {
    "CANDY": (20_000, 150_000), "QUINTAL": (3_000, 15_000), "MAN": (600, 3_000), "MAUND": (2_000, 12_000),
    "KG": (50, 400), "BALE": (8_000, 70_000), "TONNE": (30_000, 1_500_000),
}


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    return {
        # an amount or range, and the word after it, which may be its unit (checked in Python)
        "amount": re.compile(
            rf"(?P<amount>{amount_pattern('lo')}"
            rf"(?:\s*(?:-|\bto\b|\bse\b)\s*(?:{_CURRENCY})?\s*{amount_pattern('hi')})?)"
            r"(?:\s*(?P<per>/|\bper\b|\bprati\b|\beach\b|\ba\b)?\s*(?P<unit>20\s?kgs?\b|[a-z]+\b))?",
            flags),
        # the words that may stand before an amount: "rate", "@", "Rs.", "upto" ...
        # (word starts first, so that the engine tries the word lists only where a word begins)
        "prefix": re.compile(
            rf"\b(?:(?P<limit>{_LIMIT_WORDS})|(?P<mark>{_MARK_WORDS}))\b\.?|\b(?P<cur>rs\.?|inr)(?![a-z])"
            r"|(?P<mark_>@)|(?P<cur_>₹)|(?P<limit_>~|>=?|<=?)", flags),
        "bare": re.compile(
            rf"(?:(?P<l1>{_LIMIT})\s*)?{amount_pattern('lo')}"
            rf"(?:\s*(?:-|\bto\b|\bse\b)\s*{amount_pattern('hi')})?(?![\w.]|,\d)", flags),
    }


def _prefix(work: str, start: int, words: dict[int, re.Match[str]]) -> tuple[dict[str, str], int]:
    """The price words written just before `start` (`rate Rs.`, `@ upto ₹`), by kind, and where they begin."""
    found: dict[str, str] = {}
    while True:
        end = start
        while end > 0 and work[end - 1] in " :=-":
            end -= 1
        word = words.get(end)
        if word is None or (word.lastgroup or "").rstrip("_") in found:
            return found, start
        found[(word.lastgroup or "").rstrip("_")] = word.group()
        start = word.start()


@dataclass
class Price:
    amount: Number
    max_amount: Number | None
    unit: Unit | None  # None: not written, decided later from the commodity
    limit: str | None = None


def _range(match: re.Match[str]) -> tuple[Number, Number | None, bool]:
    """Low and high amount of a match of "amount" or "bare", and whether a high amount was dropped
    because it is not above the low one."""
    low, high = group_number(match, "lo"), group_number(match, "hi")
    assert low is not None  # the "lo" group is not optional
    if high is not None and match.group("hi_x") and not match.group("lo_x"):
        scaled = to_number(match.group("lo"), match.group("hi_x"))  # "56-57k": the k is for both
        if low < high / 100 and scaled <= high:
            low = scaled
    if high is not None and high <= low:
        return low, None, True
    return low, high, False


def _finish(price: Price, inverted: bool, written: str, warnings: list[str]) -> Price:
    """Warn about a range that is not low-high, and make a ceiling or floor an amount with no maximum."""
    if inverted:
        warnings.append(f"price range '{written}' is not low-high; used {price.amount}")
    if price.limit:
        price.max_amount = None
        warnings.append(f"price {price.amount} is a limit ('{price.limit.strip()}'), not an exact rate")
    return price


def _accept(marks: dict[str, str], match: re.Match[str], unit: Unit | None, amount: Number) -> bool:
    """Whether an amount with these marks is a price (else it may be a quantity such as `100 candy`)."""
    mark = marks.get("mark", "").lower()
    if "cur" in marks or mark in _STRONG_MARKS or mark.startswith("offer"):
        return True
    if (match.group("per") and unit) or match.group("lo_s"):
        return True
    if unit and match.group("unit").lower() == "c":
        return True
    if mark:  # at / ask / bid / quote: a price unless a quantity unit follows
        return unit is None or (unit == "CANDY" and amount >= 10_000)
    return unit == "CANDY" and amount >= 10_000  # "44,000 candy" is a price, "100 candy" a quantity


def extract_price(scan: Scan, warnings: list[str]) -> Price | None:
    """The first price the message gives; later ones are noted and used up."""
    patterns = _patterns()
    found: Price | None = None
    words = {word.end(): word for word in patterns["prefix"].finditer(scan.work)}
    for match in patterns["amount"].finditer(scan.work):
        low, high, inverted = _range(match)
        unit = price_unit(match.group("unit"))
        end = match.end() if unit else match.end("amount")
        marks, start = _prefix(scan.work, match.start(), words)
        if not low or not _accept(marks, match, unit, low):  # a zero is no price
            continue
        scan.take(start, end)
        if found is not None:
            warnings.append(f"another price '{scan.text[start:end].strip()}' ignored")
            continue
        price = Price(low, high, unit, limit=marks.get("limit"))
        found = _finish(price, inverted, scan.text[match.start():end], warnings)
    return found


def bare_price(scan: Scan, kapas: bool, warnings: list[str]) -> Price | None:
    """A price written without Rs/@/unit: `56.5k`, or a lone 5-digit lint rate (kapas: 4-digit)."""
    for match in _patterns()["bare"].finditer(scan.work):
        low, high, inverted = _range(match)
        with_multiplier = bool(match.group("lo_x") or match.group("hi_x"))
        usual = (3_000, 15_000) if kapas else (20_000, 200_000)
        if (with_multiplier and low >= 1000) or usual[0] <= low <= usual[1]:
            scan.take_match(match)
            warnings.append(f"price {low} read from a number without Rs, @ or a unit")
            return _finish(Price(low, high, None, limit=match.group("l1")), inverted, match.group(), warnings)
    return None


def price_from_counts(counts: list[Quantity], warnings: list[str]) -> tuple[Price | None, list[Quantity]]:
    """A second `number unit` in a message that has no price (`40 ton Akola, 7,350 qtl`) is the price
    when the number is a usual price for that unit. Returns the price and the counts left over."""
    for i, count in enumerate(counts):
        low, high = _USUAL.get(count.unit, (0, 0))
        if low <= count.value <= high:
            warnings.append(f"'{count.text}' read as the price per {count.unit} (no Rs, @ or per)")
            return Price(count.value, None, count.unit), counts[:i] + counts[i + 1:]
    return None, counts


def check_usual(price: Price, warnings: list[str]) -> None:
    if price.unit in _USUAL:
        low, high = _USUAL[price.unit]
        if not low <= price.amount <= high:
            warnings.append(f"price {price.amount} per {price.unit} is outside the usual {low:,}-{high:,}")

"""Delivery and payment days, and the bargain type words (CONVENTIONS.md, Location, delivery...)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache

from .text import Scan, pair_with_values

_PAY = r"payments?|pmt|pymt|paymt|pay|credit|udhar|udhaar"
_DEL = r"delivery|deliveries|deliver|lifting|lift|dispatch|despatch|shipment|uthav|uthao|uthana|uthaana"
_DAYS = r"days?|dys?|d|din|dino|hrs?|hours?|weeks?|wks?|months?"
_NOW_DEL = r"immediate|immediately|ready|prompt|turant|spot|instant"
_NOW_PAY = r"spot|cash|immediate|immediately|advance|turant|instant"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    return {
        # terms that mean "now": spot/cash/immediate payment, ready/immediate lifting
        "now": re.compile(
            rf"(?P<pay>\b(?:{_NOW_PAY})\s+(?:{_PAY})\b"
            rf"|\b(?:{_PAY})\s*[:\-]?\s*(?:{_NOW_PAY}|in\s+advance|(?:against|agst|on)\s+delivery)\b"
            r"|\b(?:against|agst)\s+delivery\b|\bcash\b)"
            rf"|(?P<del>\b(?:{_NOW_DEL})\s+(?:{_DEL})\b|\b(?:{_DEL})\s*[:\-]?\s*(?:{_NOW_DEL})\b)", flags),
        "word": re.compile(rf"\b(?:(?P<pay>{_PAY})|(?P<del>{_DEL}))\b", flags),
        # a number of days (digit first, so that the engine skips quickly to the next digit)
        "days": re.compile(rf"(?P<n>\d(?<![\d.,]\d)\d{{0,2}})\s*(?P<u>{_DAYS})\b", flags),
        # what may stand between a term word and its days: "payment within 10 days", "10 din me delivery"
        "after": re.compile(r"\s*[:\-]?\s*(?:(?:in|within|after|me|mein|upto|up\s?to|of)\s+)?", flags),
        "before": re.compile(r"\s*(?:(?:me|mein|main|ka|ki|ke|in|of|andar|ke\s+andar)\s+)?", flags),
        "bargain": re.compile(
            r"(?P<EX_GIN>\bex[\s.\-]*gin(?:ning)?\b)"
            r"|(?P<EX_WAREHOUSE>\bex[\s.\-]*(?:ware\s?house|godown|gdn|w/?h)\b)"
            r"|(?P<DELIVERED>\bdelivered\b|\bdoor[\s\-]*delivery\b|\b(?:delivery|for)\s+basis\b)", flags),
    }


@dataclass
class Terms:
    delivery_days: int | None = None
    payment_days: int | None = None
    bargain_type: str | None = None
    bargain_words: list[tuple[str, str]] = field(default_factory=list)  # (bargain type, as written)


def _days(number: str, unit: str, warnings: list[str]) -> int:
    value = int(number)
    unit = unit.lower()
    if unit.startswith("w"):
        return value * 7
    if unit.startswith("m"):
        warnings.append(f"{value} month(s) read as {value * 30} days")
        return value * 30
    if unit.startswith("h"):
        days = math.ceil(value / 24)
        if value % 24:
            warnings.append(f"{value} hrs rounded up to {days} days")
        return days
    return value


def extract_terms(scan: Scan, warnings: list[str]) -> Terms:
    """Payment and delivery days (numbers, `din`, `48 hrs`, spot/cash/against delivery = 0).

    Days belong to the term word written right before them or right after them (`payment 10 din`,
    `10 din me delivery`); hours alone (`48 hrs`) are a payment term; other days are reported."""
    patterns = _patterns()
    terms = Terms()
    for match in patterns["now"].finditer(scan.work):
        name = "payment_days" if match.group("pay") else "delivery_days"
        if getattr(terms, name) is None:
            setattr(terms, name, 0)
        scan.take_match(match)
    work = scan.work
    days = list(patterns["days"].finditer(work))
    by_start = {match.start(): match for match in days}
    words = list(patterns["word"].finditer(work))
    forward: list[tuple[int, int] | None] = []
    backward: list[tuple[int, int] | None] = []
    for word in words:
        after = by_start.get(patterns["after"].match(work, word.end()).end())
        before = next((match for match in reversed(days) if match.end() <= word.start()), None)
        if before is not None and not patterns["before"].fullmatch(work, before.end(), word.start()):
            before = None
        forward.append(after.span() if after else None)
        backward.append(before.span() if before else None)
    spans = {match.span(): match for match in days}
    for word, span in zip(words, pair_with_values(forward, backward), strict=True):
        if span is None:
            continue
        value = spans[span]
        name = "payment_days" if word.group("pay") else "delivery_days"
        if getattr(terms, name) is None:
            setattr(terms, name, _days(value.group("n"), value.group("u"), warnings))
        scan.take(*span)
        scan.take_match(word)
    for match in days:
        if not scan.is_free(*match.span()):
            continue
        scan.take_match(match)
        if match.group("u").lower().startswith("h") and terms.payment_days is None:  # "48 hrs" alone
            terms.payment_days = _days(match.group("n"), "h", warnings)
            warnings.append(f"'{match.group()}' without a term word: read as payment in "
                            f"{terms.payment_days} days")
        else:
            warnings.append(f"'{match.group()}' ignored: no payment or delivery word next to it")
    return terms


def extract_bargain(scan: Scan, terms: Terms) -> None:
    """EX_GIN / EX_WAREHOUSE / DELIVERED from their words (a delivery place is found by location)."""
    for match in _patterns()["bargain"].finditer(scan.work):
        terms.bargain_words.append((match.lastgroup or "", match.group()))
        scan.take_match(match)
    if terms.bargain_words:
        terms.bargain_type = terms.bargain_words[0][0]

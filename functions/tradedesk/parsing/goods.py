"""What is traded: commodity (COTTON/KAPAS), variety (a master name) and grade."""
from __future__ import annotations

import re
from functools import cache

from .lexicon import Lexicon, Variety
from .text import Scan
from .units import LINT_UNITS


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    return {
        "kapas": re.compile(r"\bkapp?aa?s\b|\bseed[\s\-]*cotton\b|\bnarma\b", flags),
        "cottonseed": re.compile(r"\bcotton[\s\-]*seeds?\b|\bbinola\b|\bcottonseeds?\b", flags),
        "lint": re.compile(r"\bcotton\b|\brui\b|\bruee\b|\blint\b", flags),
        "grade": re.compile(
            r"\bgrade\s*[:\-]?\s*(?P<a>[A-D]\+?)(?![\w+])|(?<![\w+])(?P<b>[A-D]\+?)[\s\-]*grade\b", flags),
    }


def extract_variety(scan: Scan, lexicon: Lexicon, warnings: list[str]) -> Variety | None:
    """The first variety named (exactly, else as a close misspelling); its words are used up."""
    hits = lexicon.varieties_in(scan.work) or lexicon.fuzzy_varieties_in(scan.work)
    if not hits:
        return None
    first = hits[0]
    for hit in hits:
        scan.take(hit.start, hit.end)
    if first.fuzzy:
        warnings.append(f"variety '{first.surface}' matched to {first.entry.name} (fuzzy)")
    others = sorted({hit.entry.name for hit in hits} - {first.entry.name})
    if others:
        warnings.append(f"several varieties named; used {first.entry.name}, not {', '.join(others)}")
    return first.entry


def extract_grade(scan: Scan) -> str | None:
    """`A grade`, `grade B`, `GRADE: C` -> the letter in capitals."""
    match = _patterns()["grade"].search(scan.work)
    if match is None:
        return None
    scan.take_match(match)
    return (match.group("a") or match.group("b")).upper()


def detect_commodity(text: str, variety: Variety | None, units: list[str | None],
                     warnings: list[str]) -> str | None:
    """KAPAS when the message says kapas/seed cotton; COTTON for cotton/rui/lint, a lint variety, or a
    bale, candy or maund count or price; otherwise None. Cottonseed (binola) is neither."""
    patterns = _patterns()
    if patterns["kapas"].search(text):
        return "KAPAS"
    if patterns["cottonseed"].search(text):
        warnings.append("cottonseed (binola) is not cotton or kapas: commodity left empty")
        return None
    lint_variety = variety is not None and variety.commodity == "COTTON"
    if patterns["lint"].search(text) or lint_variety or any(unit in LINT_UNITS for unit in units):
        return "COTTON"
    return None


def says_kapas(text: str) -> bool:
    return bool(_patterns()["kapas"].search(text))

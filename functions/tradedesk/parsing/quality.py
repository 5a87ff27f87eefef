"""Quality parameters (CONVENTIONS.md, Quality): staple, micronaire, strength, trash, moisture, Rd, +b.

A value is a number or a range with optional unit and comparison words. It belongs to the parameter
word written before it (`mic 3.8`) or after it (`3.8-4.2 mic`); `mm` and `gpt`/`g/tex` name staple and
strength by themselves (`29mm`, `28 gpt`); `29/3.8` is staple/micronaire shorthand.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .numbers import Number, tidy
from .text import Scan, pair_with_values

_NUM = r"\d{1,2}(?:\.\d{1,2})?"
_UNIT = r"mm|%|gpt|g\s?/\s?tex|gms?\s?/\s?tex|grams?\s?/\s?tex"
_MIN_WORDS = r"min(?:imum)?|above|over|at\s?least|more\s+than"
_MAX_WORDS = r"max(?:imum)?|up\s?to|below|under|less\s+than"
# A value: a number or range, with units, `+` and comparison words after it. Written digit-first so
# that the engine skips quickly to the next digit; comparison words before it are found separately.
_VALUE = (
    rf"(?P<a>\d(?<![\d.,]\d)(?:\d?(?:\.\d{{1,2}})?))(?![\d])(?!,\d)(?:\s*(?P<ua>{_UNIT}))?"
    rf"(?:\s*(?:-|\bto\b|\bse\b|~)\s*(?P<b>{_NUM})(?![\d])(?!,\d)(?:\s*(?P<ub>{_UNIT}))?)?"
    r"(?P<plus>\s*\+(?!\s*b\b))?"
    rf"(?:\s*(?P<post>\b(?:{_MIN_WORDS}|{_MAX_WORDS}|plus|and\s+above|&\s*above|or\s+(?:more|above|less|below))\b))?"
)

# parameter: (output key, default direction of a single number, allowed units, plausible range)
PARAMETERS: dict[str, tuple[str, str, frozenset[str], tuple[float, float]]] = {
    "staple": ("stapleMm", "exact", frozenset({"mm"}), (15, 45)),
    "mic": ("micronaire", "exact", frozenset(), (2.0, 7.0)),
    "strength": ("strengthGpt", "min", frozenset({"gpt"}), (15, 50)),
    "trash": ("trashPct", "max", frozenset({"%"}), (0, 20)),
    "moisture": ("moisturePct", "max", frozenset({"%"}), (0, 25)),
    "rd": ("rd", "min", frozenset(), (40, 95)),
    "plusb": ("plusB", "max", frozenset(), (2, 25)),
}
_KEYWORDS = {
    "staple": r"staple(?:\s+length)?|length|len|stpl",
    "mic": r"micronaire|mic|mike",
    "strength": r"strength|strenght|str|tenacity",
    "trash": r"trash",
    "moisture": r"moisture|moist",
    "rd": r"rd",
}
_WORD_START = r"(?<![a-z])"
_RD_START = r"\b"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    # a parameter word may touch its number ("mic3.8", "3.8mic"); "rd" must stand alone ("3rd")
    words = "|".join(
        rf"(?P<{name}>{_RD_START if name == 'rd' else _WORD_START}(?:{alternatives})(?![a-z])\.?)"
        for name, alternatives in _KEYWORDS.items())
    return {
        # (the lookahead lets the engine skip every place where no parameter word can start)
        "keyword": re.compile(rf"(?=[smltrp+])(?:{words}|(?P<plusb>(?<![\w+])\+\s?b\b|\bplus\s?b\b))", flags),
        "value": re.compile(_VALUE, flags),
        "pre": re.compile(rf"\b(?:{_MIN_WORDS}|{_MAX_WORDS})\b|>=|<=|>|<", flags),
        "gap": re.compile(r"\s*[:=\-]?\s*"),
        "floor": re.compile(rf"(?:{_MIN_WORDS}|>=?|plus|and\s+above|&\s*above|or\s+(?:more|above))", flags),
        "shorthand": re.compile(
            r"(?<![\d./])(?P<s>\d{2}(?:\.\d{1,2})?)\s*(?:mm)?\s*/\s*(?P<m>\d\.\d{1,2})(?![\d.])"
            r"(?:\s*/\s*(?P<x>\d{2}(?:\.\d)?)(?![\d.]))?", flags),
    }


@dataclass
class _Value:
    start: int
    end: int
    a: float
    b: float | None
    units: frozenset[str]
    qualifier: str | None
    plus: bool


def _value(match: re.Match[str], work: str, comparisons: dict[int, re.Match[str]]) -> _Value:
    """The value of a match of "value", with the comparison word written just before it, if any."""
    def unit(text: str | None) -> set[str]:
        if not text:
            return set()
        return {"mm"} if text.lower() == "mm" else {"%"} if text == "%" else {"gpt"}

    start = match.start()
    while start > 0 and work[start - 1] in " :.":
        start -= 1
    pre = comparisons.get(start)
    start = pre.start() if pre is not None else match.start()
    b = match.group("b")
    units = frozenset(unit(match.group("ua")) | unit(match.group("ub")))
    qualifier = match.group("post") or (pre.group() if pre else "")
    return _Value(start=start, end=match.end(), a=float(match.group("a")),
                  b=float(b) if b else None, units=units, qualifier=qualifier.lower() or None,
                  plus=bool(match.group("plus")))


def _fits(parameter: str, value: _Value) -> bool:
    _, _, units, (low, high) = PARAMETERS[parameter]
    if not value.units <= units:
        return False
    numbers = [value.a] + ([value.b] if value.b is not None else [])
    if parameter == "mic" and all(20 <= n <= 70 and n == int(n) for n in numbers):
        return True  # "mic 38-42" is 3.8-4.2
    return all(low <= n <= high for n in numbers)


def _bounds(parameter: str, value: _Value, warnings: list[str]) -> dict[str, Number | None]:
    a, b = value.a, value.b
    if parameter == "mic" and a >= 20:
        warnings.append(f"micronaire {a:g}{f'-{b:g}' if b is not None else ''} read as tenths "
                        f"({a / 10:g}{f'-{b / 10:g}' if b is not None else ''})")
        a, b = a / 10, (b / 10 if b is not None else None)
    if b is not None:
        low, high = sorted((a, b))
        return {"min": tidy(low), "max": tidy(high)}
    if value.plus or (value.qualifier and _patterns()["floor"].fullmatch(value.qualifier)):
        return {"min": tidy(a), "max": None}
    if value.qualifier:
        return {"min": None, "max": tidy(a)}
    direction = PARAMETERS[parameter][1]
    return {"min": tidy(a) if direction != "max" else None, "max": tidy(a) if direction != "min" else None}


def extract_quality(scan: Scan, warnings: list[str]) -> dict[str, dict[str, Number | None]]:
    """The quality ranges the message mentions, keyed by the CONVENTIONS.md names."""
    patterns = _patterns()
    quality: dict[str, dict[str, Number | None]] = {}

    def put(parameter: str, value: _Value) -> None:
        key = PARAMETERS[parameter][0]
        if key in quality:
            warnings.append(f"{key} given twice; kept the first")
        else:
            quality[key] = _bounds(parameter, value, warnings)
        scan.take(value.start, value.end)

    for match in patterns["shorthand"].finditer(scan.work):
        staple, mic = float(match.group("s")), float(match.group("m"))
        if 20 <= staple <= 40 and 2.5 <= mic <= 6:
            quality.setdefault("stapleMm", {"min": tidy(staple), "max": tidy(staple)})
            quality.setdefault("micronaire", {"min": tidy(mic), "max": tidy(mic)})
            if match.group("x"):
                warnings.append(f"third figure in '{match.group()}' ignored")
            scan.take_match(match)

    work = scan.work
    comparisons = {match.end(): match for match in patterns["pre"].finditer(work)}
    values = [_value(match, work, comparisons) for match in patterns["value"].finditer(work)]
    by_start = {value.start: value for value in values}
    by_end = {value.end: value for value in values}
    keywords = list(patterns["keyword"].finditer(work))
    forward: list[tuple[int, int] | None] = []
    backward: list[tuple[int, int] | None] = []
    for keyword in keywords:
        parameter = keyword.lastgroup or ""
        after = by_start.get(patterns["gap"].match(work, keyword.end()).end())
        end = keyword.start()
        while end > 0 and work[end - 1] == " ":
            end -= 1
        before = by_end.get(end)
        for value, side in ((after, forward), (before, backward)):
            side.append((value.start, value.end) if value is not None and _fits(parameter, value) else None)
    for keyword, span in zip(keywords, pair_with_values(forward, backward), strict=True):
        scan.take_match(keyword)
        if span is not None:
            put(keyword.lastgroup or "", by_start[span[0]])
        else:
            warnings.append(f"no value found for '{keyword.group().strip()}'")

    # values that name their parameter by unit: 29mm, 28.5-29 mm, 34mm+, 28 gpt, 29 g/tex
    for value in values:
        parameter = "staple" if "mm" in value.units else "strength" if "gpt" in value.units else None
        if parameter and scan.is_free(value.start, value.end) and _fits(parameter, value):
            put(parameter, value)
    order = [key for key, _, _, _ in PARAMETERS.values()]
    return dict(sorted(quality.items(), key=lambda item: order.index(item[0])))

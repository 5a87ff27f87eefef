"""Message clean-up and the working copy the extractors share.

`clean` drops a WhatsApp export prefix, emoji and odd spaces and writes dashes and comparison signs
one way. `Scan` holds the cleaned text and a working copy in which every span an extractor has used is
blanked out with a filler character, so no number or word is read twice (a price is never also a
quantity) and patterns cannot join words across a used span.
"""
from __future__ import annotations

import re
from functools import cache

FILLER = "\x1f"  # not a space, not a word character: patterns neither match nor cross it

_TRANSLATE = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\t": " ",
    "\u2265": ">=", "\u2264": "<=", "\uff20": "@", "\u2018": "'", "\u2019": "'",
    "\u201c": '"', "\u201d": '"', "\r": "\n",
})


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    time = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[AaPp]\.?\s?[Mm]\.?)?"
    return {
        # "12/3/26, 9:15 AM - Name: " (Android) or "[12/03/26, 9:15:23 AM] Name: " (iOS)
        "whatsapp": re.compile(
            rf"^\s*\[?\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}},?\s+{time}\]?\s*(?:-\s*)?(?:[^:\n]{{1,60}}?:\s)?"),
        "emoji": re.compile(
            "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3\u2190-\u21ff]+"),
        "markup": re.compile(r"[*_`]+"),  # WhatsApp bold, italics and code marks
        "spaces": re.compile(r"[ ]{2,}"),
        "newlines": re.compile(r"\s*\n+\s*"),
    }


def clean(text: str) -> str:
    """The message without export prefix, emoji, chat markup or odd whitespace; lines joined with `; `."""
    patterns = _patterns()
    text = (text or "").translate(_TRANSLATE)
    text = patterns["whatsapp"].sub("", text, count=1)
    text = patterns["emoji"].sub(" ", text)
    text = patterns["markup"].sub(" ", text)
    text = patterns["newlines"].sub("; ", text.strip())
    return patterns["spaces"].sub(" ", text).strip(" ;")


class Scan:
    """The cleaned text and its working copy with used spans blanked out."""

    __slots__ = ("text", "work")

    def __init__(self, text: str) -> None:
        self.text = text
        self.work = text

    def take(self, start: int, end: int) -> None:
        """Mark text[start:end] as used."""
        if end > start:
            self.work = self.work[:start] + FILLER * (end - start) + self.work[end:]

    def take_match(self, match: re.Match[str], group: int | str = 0) -> None:
        self.take(*match.span(group))

    def is_free(self, start: int, end: int) -> bool:
        return FILLER not in self.work[start:end]


def pair_with_values(forward: list[tuple[int, int] | None],
                     backward: list[tuple[int, int] | None]) -> list[tuple[int, int] | None]:
    """Choose, for each keyword in message order, the value written after it or the one before it.

    `forward[i]`/`backward[i]` are the spans of the values right after and right before keyword i.
    A keyword takes the value after it, unless that value is also the one right before the next
    keyword and the next keyword has nothing after it: then the message writes values first
    (`3% trash 8% moisture`) and the keyword takes the value before it. A span is used only once.
    """
    chosen: list[tuple[int, int] | None] = []
    used: list[tuple[int, int]] = []

    def free(span: tuple[int, int] | None) -> bool:
        return span is not None and all(span[1] <= a or span[0] >= b for a, b in used)

    for i, (after, before) in enumerate(zip(forward, backward, strict=True)):
        contested = (after is not None and i + 1 < len(forward) and forward[i + 1] is None
                     and backward[i + 1] is not None and backward[i + 1][0] < after[1]
                     and after[0] < backward[i + 1][1])
        pick = None
        if free(after) and not contested:
            pick = after
        elif free(before):
            pick = before
        elif free(after):
            pick = after
        if pick is not None:
            used.append(pick)
        chosen.append(pick)
    return chosen

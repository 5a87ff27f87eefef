"""Side (CONVENTIONS.md, Side): BUY or SELL words in English and Hinglish; questions have no side.

The message is read as lower-case words; phrases that say who is wanted ("buyer required" is a seller
speaking) win over single words, and a word that is negated ("not available") or asked in a question
("Anyone selling S-6?") gives no side.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_WANT = frozenset({"required", "reqd", "req", "wanted", "needed", "chahiye", "chaiye", "chahie"})
_BUY = frozenset({"buy", "buying", "purchase", "purchasing", "need", "needed", "require", "required",
                  "requirement", "reqd", "want", "wanted", "wtb", "bid", "chahiye", "chaiye", "chahie",
                  "lena", "lenge", "kharidna", "kharidenge"})
_SELL = frozenset({"sell", "selling", "sale", "offer", "offering", "offered", "available", "availability",
                   "avl", "avbl", "avail", "wts", "ask", "asking", "bechna", "bechni", "bechenge", "denge"})
_PAIRS = {("looking", "for"): "BUY", ("lene", "hai"): "BUY", ("ready", "stock"): "SELL",
          ("ready", "bales"): "SELL", ("dena", "hai"): "SELL"}
_PLEASE = frozenset({"please", "pls", "plz", "kindly"})
_INTEND = frozenset({"want", "wants", "wish", "looking", "like", "need", "needs", "plan", "planning",
                     "ready"})
_NEGATIONS = frozenset({"no", "not", "nahi", "nahin", "nhi"})


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    return {
        "word": re.compile(r"[a-z]+"),
        # a whole message asked as a question: starts with a question word, or Hindi "kya"
        "question": re.compile(
            r"^\s*(?:any(?:one|body)?|who|what|how|when|where|which|is|are|does|do|kya|kitna|kitne|kaun"
            r"|kab|kaise|kahan)\b|\bkya\b", flags),
        # the end of a clause (a dot or comma inside a number or "Rs.56" does not end one)
        "clause_end": re.compile(r"[?!;]|[.,](?!\S)"),
    }


@dataclass
class SideFound:
    side: str | None
    word: str | None
    conflict: str | None  # the first word of the other side, when both are present
    question: bool  # the message asks something and states no side outside its questions
    asked: str | None = None  # a side word left out because it stands in a question


def _phrase(words: list[str], i: int) -> tuple[str, int] | None:
    """A side phrase starting at word i: (side, number of words)."""
    first, second = words[i], words[i + 1] if i + 1 < len(words) else ""
    third = words[i + 2] if i + 2 < len(words) else ""
    if first in ("buyer", "buyers") and second in _WANT:
        return "SELL", 2
    if first in ("seller", "sellers") and second in _WANT:
        return "BUY", 2
    if first in ("need", "needed") and second in ("buyer", "buyers"):
        return "SELL", 2
    if first in ("need", "needed") and second in ("seller", "sellers"):
        return "BUY", 2
    if (first, second) == ("for", "sale"):
        return "SELL", 2
    if first in _PLEASE and (second in ("quote", "offer") or (second == "send" and third.rstrip("s") in
                                                                ("offer", "quote", "rate"))):
        return "BUY", 2
    if first in _INTEND and second == "to" and third in ("sell", "buy", "purchase"):
        return ("SELL" if third == "sell" else "BUY"), 3
    return None


def _word(words: list[str], i: int) -> tuple[str, int] | None:
    pair = (words[i], words[i + 1] if i + 1 < len(words) else "")
    if pair in _PAIRS:
        return _PAIRS[pair], 2
    if words[i] in _BUY:
        return "BUY", 1
    if words[i] in _SELL:
        return "SELL", 1
    return None


def _questions(text: str) -> list[tuple[int, int]]:
    patterns = _patterns()
    if patterns["question"].search(text):
        return [(0, len(text))]
    questions: list[tuple[int, int]] = []
    if "?" in text:
        start = 0
        for end in patterns["clause_end"].finditer(text):
            if end.group() == "?":
                questions.append((start, end.end()))
            start = end.end()
    return questions


def detect_side(text: str) -> SideFound:
    """The side of the first buy or sell phrase, else word, that is neither negated nor asked."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: keep positions right
        lowered = "".join(ch.lower()[0] for ch in text)
    matches = list(_patterns()["word"].finditer(lowered))
    words = [match.group() for match in matches]
    questions = _questions(text)
    asked: str | None = None
    for finder in (_phrase, _word):
        found: list[tuple[str, str]] = []
        for i in range(len(words)):
            hit = finder(words, i)
            if hit is None:
                continue
            side, count = hit
            after = words[i + count] if i + count < len(words) else ""
            if (i and words[i - 1] in _NEGATIONS) or after in _NEGATIONS - {"no"}:
                continue
            phrase = text[matches[i].start():matches[i + count - 1].end()]
            if any(start <= matches[i].start() < end for start, end in questions):
                asked = asked or phrase
                continue
            found.append((side, phrase))
        if found:
            side, word = found[0]
            conflict = next((other for kind, other in found if kind != side), None)
            return SideFound(side, word, conflict, False)
    return SideFound(None, None, None, bool(questions), asked)

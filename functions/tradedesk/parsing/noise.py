"""Numbers that are neither quantities nor prices: phone numbers, dates, times, GST rates, seasons,
reference numbers. They are blanked out of the working copy before anything else reads numbers."""
from __future__ import annotations

import re
from functools import cache

from .text import Scan

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two patterns: noise that starts with a digit or sign, and noise that starts with a word."""
    digit_led = [
        # phone numbers: mobile (+91 98250 41234), landline (0281-2345678), any 11+ digit run
        r"(?<![\d.,])(?:\+?91[\s-]?)?[6-9]\d{4}[\s-]?\d{5}(?![\d.,])",
        r"(?<![\d.,])0\d{2,4}[\s-]\d{6,8}(?!\d)",
        r"(?<![\d.,])\d{11,}(?!\d)",
        # dates: 12/3/26, 12-03-2026, 12.3.26 (one separator), 12/3, 5th March, 5 Mar 2026
        r"(?<![\d.,])\d{1,2}([/.-])\d{1,2}\1\d{2,4}(?![\d.])",
        r"(?<![\d.,/])\d{1,2}/\d{1,2}(?![\d./])",
        rf"(?<![\d.,])\d{{1,2}}(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTH}(?:\s*,?\s*(?:20)?\d{{2}}\b)?(?![a-z])",
        # times: 9:15, 9:15 AM, 10.30 pm, 10 am, 4 baje
        r"(?<![\d.,])\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?",
        r"(?<![\d.,])\d{1,2}\.\d{2}\s*[ap]\.?\s?m\b\.?",
        r"(?<![\d.,])\d{1,2}\s*(?:[ap]\.?m\b\.?|baje\b|o'?clock\b)",
        # GST rates and seasons: "5% GST", "+ GST", 2025-26; reference numbers: #123
        r"(?<![\d.,])\d{1,2}(?:\.\d+)?\s*%\s*gst\b",
        r"[+&]\s*gst\b(?:\s*(?:extra|@\s*\d{1,2}\s*%))?",
        r"\b20\d{2}\s*-\s*\d{2}\b",
        r"#\s*\d+",
    ]
    word_led = [
        rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)\b",  # March 5th, Mar-26, March 2026
        rf"{_MONTH}\s*[-']\s*\d{{2}}\b",
        rf"{_MONTH}\s+20\d{{2}}\b",
        r"plus\s*gst\b",
        r"gst\s*(?:extra|included|incl\.?|paid|\d{1,2}\s*%)?",
        r"(?:crop|season|year|sal)\s*20\d{2}\b",
        r"(?:lot|inv(?:oice)?|bill|order|contract|ref|truck|vehicle)\s*(?:no\.?|number|#)\s*[:.\-]?\s*[\w/-]+",
        r"no\.\s*\d+",
    ]
    # the lookaheads let the engine skip, cheaply, every place where no part can start
    return (re.compile(r"(?=[\d+&#])(?:" + "|".join(digit_led) + ")", re.IGNORECASE),
            re.compile(r"\b(?=[a-z])(?:" + "|".join(word_led) + ")", re.IGNORECASE))


def mask_noise(scan: Scan) -> None:
    """Blank out dates, times, phone numbers, GST rates, seasons and reference numbers."""
    for pattern in _patterns():
        for match in pattern.finditer(scan.work):
            scan.take_match(match)

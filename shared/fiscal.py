"""Indian financial years: 1 April to 31 March, coded `2025-26`.

A moment in time belongs to the financial year of its India-time date: 31 March 2026 20:00 UTC is
1 April 2026 in India, so it is in 2026-27.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from shared import clock
from shared.clock import INDIA

_CODE = re.compile(r"^(\d{4})-(\d{2})$")


def _india_date(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("a naive datetime has no India date; pass an aware datetime or a date")
        return moment.astimezone(INDIA).date()
    return moment


def start_year_of(moment: date | datetime) -> int:
    day = _india_date(moment)
    return day.year if day.month >= 4 else day.year - 1


def code_for_start_year(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_of(moment: date | datetime) -> str:
    """`2025-26` for any date from 1 April 2025 to 31 March 2026 (datetimes are taken in India time)."""
    return code_for_start_year(start_year_of(moment))


def parse_code(code: str) -> int:
    """The start year of a code like `2025-26`; ValueError when the code is malformed or not consecutive."""
    match = _CODE.match(code or "")
    if not match:
        raise ValueError(f"{code!r} is not a financial year code like 2025-26")
    start = int(match.group(1))
    if (start + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{code!r}: the second year must follow the first (e.g. 2025-26)")
    return start


def bounds(code: str) -> tuple[date, date]:
    """(1 April, 31 March) of a financial year code."""
    start = parse_code(code)
    return date(start, 4, 1), date(start + 1, 3, 31)


def contains(code: str, day: date) -> bool:
    first, last = bounds(code)
    return first <= day <= last


def next_code(code: str) -> str:
    return code_for_start_year(parse_code(code) + 1)


def current_financial_year() -> str:
    """The financial year of today in India (by shared.clock, so tests can move it)."""
    return financial_year_of(clock.today_india())

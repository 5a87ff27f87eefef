"""functions/masters/financial_years.py: resolving a financial year's code and April-March dates."""
from __future__ import annotations

from datetime import date

import pytest

from functions.masters.financial_years import resolve_dates
from shared.errors import Unprocessable


def rules(call, *args):
    with pytest.raises(Unprocessable) as caught:
        call(*args)
    return [(f["field"], f["rule"]) for f in caught.value.details["fields"]]


def test_resolve_dates():
    assert resolve_dates("2025-26", None, None) == ("2025-26", date(2025, 4, 1), date(2026, 3, 31))
    assert resolve_dates(None, date(2025, 4, 1), date(2026, 3, 31))[0] == "2025-26"
    assert resolve_dates(None, None, date(2026, 3, 31))[0] == "2025-26"
    assert rules(resolve_dates, None, date(2025, 1, 1), date(2025, 12, 31)) == [
        ("startDate", "fy_start_april_1"), ("endDate", "fy_end_march_31")]
    assert rules(resolve_dates, "2025-26", date(2024, 4, 1), None) == [("code", "fy_code_mismatch")]
